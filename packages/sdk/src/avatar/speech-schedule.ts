/**
 * Captions and speaking events for a streamed avatar (media mode `livekit`), timed by the renderer's
 * speech reports (docs/renderer-protocol.md#speech-events) rather than by audio of our own. A report names
 * its clause's first (or after its last) sample as a position on the voice track's RTP timeline, and takes
 * effect when the audio receiver plays that position out (TrackPlayoutClock): the stream's own clock, so
 * neither the network, nor the jitter buffer, nor a busy CPU on either side moves the caption off its sound.
 *
 * Fallback, where that cannot be followed (a renderer without the position, a browser without
 * `getSynchronizationSources()`, an SFU that rewrites RTP timestamps, a receiver not playing yet): the
 * report's `inMs` (when the sample leaves the renderer) plus the receiver's playout delay estimated from its
 * statistics, which rests on calibrated figures (DECODE_MS, the renderer's ROOM_LATENCY_MS) and drifts
 * under load. The channel carries no audio in this mode.
 */
import { RENDERER_SPEECH_MAX_LEAD_MS, type RendererSpeechEvent } from '@dhkit/protocol';
import { READING_WINDOW_MS } from './track-playout-clock.js';

export interface SpeechScheduleHost {
  clause(text: string): void;
  speakingStart(chatId: string): void;
  speakingStop(chatId: string): void;
  /** Chats the visitor interrupted: late reports of theirs are dropped. */
  isInterrupted(chatId: string): boolean;
}

/**
 * How long after its last clause ended, with the turn over, a chat stops speaking: long enough for the
 * next clause's start, due at the same moment, to win the race.
 */
export const SPEAKING_GRACE_MS = 60;

/**
 * Reports take effect this much before the sound is due: the sync target lets a caption lead its sound by
 * 45 ms but trail it by only 15, so aiming early leaves room for the jitter between estimate and truth
 * (measured in Chromium: a clause that follows another lands 10–20 ms earlier than one after silence, so
 * 10 ms centres both in the window).
 */
export const CAPTION_LEAD_MS = 10;

/**
 * A clause's moment is read again from the receiver at half the time left, at most this long apart: the
 * jitter buffer grows and shrinks meanwhile (and plays faster or slower while it does), so the last reading
 * before the moment is the one to trust.
 */
const RECHECK_MS = 200;
/** Closer than this, the last reading stands (a timer cannot do better). */
const FINAL_MS = 8;
/**
 * Over the last stretch the receiver is read at most this far apart, so that the clock holds readings of several
 * packets when the moment comes (one reading alone is off by a 10 ms frame half of the time: TrackPlayoutClock).
 */
const CLOSING_READ_GAP_MS = 15;
/** The last stretch: the clock's window of readings, before the final moment. */
const CLOSING_STRETCH_MS = READING_WINDOW_MS + FINAL_MS;
/**
 * The track's timeline is trusted only while it agrees with the report's own `inMs` and the playout
 * estimate to within this: a wider gap means timestamps from another timeline (an SFU that rewrites them, off by
 * a random amount of up to hours), not a late caption to wait for. Wide enough for what the fallback's figures
 * drift by on a loaded machine (measured at load 18: the playout estimate ~800 ms against a true ~400, with the
 * renderer's `inMs` 400 ms long: 1.2 s apart, and a 1 s limit sent four clauses to the fallback, 1.2 s late).
 */
const TIMELINE_AGREEMENT_MS = 3_000;

/** Report leads kept for diagnostics (SpeechSchedule.startLeadsMs). */
const MAX_LEADS_KEPT = 256;

/** When the receiver will play an RTP timestamp of the voice out (TrackPlayoutClock), if it can tell. */
export type HeardIn = (rtpTimestamp: number) => number | undefined;

interface Chat {
  /** Clauses whose start took effect and whose end did not. */
  open: Set<number>;
  /** The server ended the turn (or the renderer cut it): no clause will follow the open ones. */
  ended: boolean;
  grace?: ReturnType<typeof setTimeout>;
}

export class SpeechSchedule {
  private readonly chats = new Map<string, Chat>();
  /** Turns the server ended before any of their clauses took effect (the server runs ahead). */
  private readonly endedTurns = new Set<string>();
  /** Reports waiting for their moment, by `chatId/clauseId`. */
  private readonly pending = new Map<string, Set<ReturnType<typeof setTimeout>>>();
  /**
   * Clauses (`chatId/clauseId`) whose start was announced and has not taken effect: their chat keeps speaking
   * through the moment between the previous clause's end and this start, however the two timers fall.
   */
  private readonly startsDue = new Set<string>();

  /** Reports that took effect by the track's timeline, and by the fallback (for tests and diagnostics). */
  readonly timedBy = { track: 0, fallback: 0 };
  /**
   * For each clause start timed by the track: how long before its sound was heard the report arrived, in ms (the
   * latest MAX_LEADS_KEPT; negative: it came after the sound, and the caption was that late). For diagnostics and
   * bench:livekit.
   */
  readonly startLeadsMs: number[] = [];

  constructor(
    private readonly host: SpeechScheduleHost,
    /** The receiver's current playout delay, in ms (PlayoutDelayEstimator): the fallback. */
    private readonly playoutDelayMs: () => number,
    /** Milliseconds until the receiver plays an RTP timestamp out. */
    private readonly heardIn: HeardIn = () => undefined,
  ) {}

  /** A speech report from the renderer, as received. */
  report(event: RendererSpeechEvent): void {
    if (this.host.isInterrupted(event.chatId)) return;
    const key = `${event.chatId}/${event.clauseId}`;
    if (event.type === 'speechEnd' && event.reason === 'interrupted') {
      // Whatever was scheduled for this clause is void; if it was being heard, it stops with the sound.
      for (const timer of this.pending.get(key) ?? []) clearTimeout(timer);
      this.pending.delete(key);
      this.startsDue.delete(key);
    }
    if (event.type === 'speechStart') this.startsDue.add(key);
    const later = (delayMs: number, then: () => void) => {
      const timers = this.pending.get(key) ?? new Set();
      this.pending.set(key, timers);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (timers.size === 0 && this.pending.get(key) === timers) this.pending.delete(key);
        then();
      }, delayMs);
      timers.add(timer);
    };
    const take = (by: keyof SpeechSchedule['timedBy']) => {
      if (event.type === 'speechStart') this.startsDue.delete(key);
      if (this.host.isInterrupted(event.chatId)) return;
      this.timedBy[by]++;
      this.apply(event);
    };
    const position = event.rtpTimestamp;
    const first = typeof position === 'number' ? this.heardIn(position) : undefined;
    if (position !== undefined && first !== undefined && this.agrees(first, event)) {
      if (event.type === 'speechStart') {
        if (this.startLeadsMs.length >= MAX_LEADS_KEPT) this.startLeadsMs.shift();
        this.startLeadsMs.push(Math.round(first));
      }
      // Follow the receiver until the position is played out, reading it again while far off. Each reading can
      // hold the page up (TrackPlayoutClock), so the one just taken serves the first step.
      let known = { leftMs: first, at: performance.now() };
      const follow = (leftMs = this.heardIn(position)) => {
        // The receiver fell silent meanwhile (a reconnect): go on from the last reading.
        if (leftMs !== undefined) known = { leftMs, at: performance.now() };
        const wait = known.leftMs - (performance.now() - known.at) - CAPTION_LEAD_MS;
        // Due already (a timer that fired late on a busy page, a late report): now, not one more task later,
        // which on a starved page has cost another 50 ms (bench:livekit, BENCH_TRACE).
        if (wait <= 0) take('track');
        else if (wait <= FINAL_MS) later(wait, () => take('track'));
        else if (wait <= CLOSING_STRETCH_MS) later(Math.min(CLOSING_READ_GAP_MS, wait - FINAL_MS), follow);
        else later(Math.min(RECHECK_MS, wait / 2), follow);
      };
      follow(first);
      return;
    }
    // Fallback: first until the sound leaves the renderer, then the playout delay as it is at that moment:
    // the jitter buffer may have changed since a report that came well ahead.
    later(leadOf(event), () => later(Math.max(0, this.playoutDelayMs() - CAPTION_LEAD_MS), () => take('fallback')));
  }

  /** Whether a clause of the chat was announced and has yet to start. */
  private startDue(chatId: string): boolean {
    for (const key of this.startsDue) if (key.startsWith(`${chatId}/`)) return true;
    return false;
  }

  /** Whether the track's timeline and the report's own timing tell roughly the same moment. */
  private agrees(heardInMs: number, event: RendererSpeechEvent): boolean {
    if (event.inMs === undefined) return true; // a renderer that tells the position alone
    return Math.abs(heardInMs - (leadOf(event) + this.playoutDelayMs())) <= TIMELINE_AGREEMENT_MS;
  }

  /** The server's turnEnd: once its last clause has been heard, the chat stops speaking. */
  turnEnded(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (!chat) {
      if (this.endedTurns.size >= 32) this.endedTurns.delete(this.endedTurns.values().next().value!);
      this.endedTurns.add(chatId);
      return;
    }
    chat.ended = true;
    this.settle(chatId);
  }

  /** Everything stops now, scheduled reports included (the server cuts the renderer too). */
  interrupt(): void {
    for (const timers of this.pending.values()) for (const timer of timers) clearTimeout(timer);
    this.pending.clear();
    this.startsDue.clear();
    for (const [chatId, chat] of this.chats) {
      clearTimeout(chat.grace);
      this.host.speakingStop(chatId);
    }
    this.chats.clear();
    this.endedTurns.clear();
  }

  private apply(event: RendererSpeechEvent): void {
    let chat = this.chats.get(event.chatId);
    if (event.type === 'speechStart') {
      if (!chat) {
        chat = { open: new Set(), ended: this.endedTurns.delete(event.chatId) };
        this.chats.set(event.chatId, chat);
        this.host.speakingStart(event.chatId);
      }
      clearTimeout(chat.grace);
      chat.open.add(event.clauseId);
      this.host.clause(String(event.text ?? ''));
    } else if (chat) {
      chat.open.delete(event.clauseId);
      if (event.reason === 'interrupted') chat.ended = true;
      this.settle(event.chatId);
    }
  }

  private settle(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (!chat || chat.open.size > 0 || !chat.ended || this.startDue(chatId)) return;
    clearTimeout(chat.grace);
    chat.grace = setTimeout(() => {
      if (this.chats.get(chatId) !== chat || chat.open.size > 0 || this.startDue(chatId)) return;
      this.chats.delete(chatId);
      this.host.speakingStop(chatId);
    }, SPEAKING_GRACE_MS);
  }
}

/** A report's own lead; a malformed or absurd one counts as "now" rather than holding a caption back. */
function leadOf(event: RendererSpeechEvent): number {
  const lead = event.inMs;
  return typeof lead === 'number' && Number.isFinite(lead) && lead > 0 && lead <= RENDERER_SPEECH_MAX_LEAD_MS ? lead : 0;
}
