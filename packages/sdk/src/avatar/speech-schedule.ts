/**
 * Captions and speaking events for a streamed avatar (media mode `livekit`), timed by the renderer's
 * speech reports (docs/renderer-protocol.md#speech-events) rather than by audio of our own: each report
 * says when its clause's first (or after its last) sample leaves the renderer (`inMs`), and the voice then
 * needs the receiver's playout delay to be heard. A report takes effect after both, so captions appear
 * with the sound. The channel carries no audio in this mode.
 */
import { RENDERER_SPEECH_MAX_LEAD_MS, type RendererSpeechEvent } from '@dhkit/protocol';

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

  constructor(
    private readonly host: SpeechScheduleHost,
    /** The receiver's current playout delay, in ms (PlayoutDelayEstimator). */
    private readonly playoutDelayMs: () => number,
  ) {}

  /** A speech report from the renderer, as received. */
  report(event: RendererSpeechEvent): void {
    if (this.host.isInterrupted(event.chatId)) return;
    const key = `${event.chatId}/${event.clauseId}`;
    if (event.type === 'speechEnd' && event.reason === 'interrupted') {
      // Whatever was scheduled for this clause is void; if it was being heard, it stops with the sound.
      for (const timer of this.pending.get(key) ?? []) clearTimeout(timer);
      this.pending.delete(key);
    }
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
    // First until the sound leaves the renderer, then the playout delay as it is at that moment: the
    // jitter buffer may have changed since a report that came well ahead.
    later(leadOf(event), () =>
      later(Math.max(0, this.playoutDelayMs() - CAPTION_LEAD_MS), () => {
        if (!this.host.isInterrupted(event.chatId)) this.apply(event);
      }),
    );
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
    if (!chat || chat.open.size > 0 || !chat.ended) return;
    clearTimeout(chat.grace);
    chat.grace = setTimeout(() => {
      if (this.chats.get(chatId) !== chat || chat.open.size > 0) return;
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
