import type { DecodedAudioFrame, SpeechMessage, VisemeTiming } from '@dhkit/protocol';
import type { Logger } from '../core/logger.js';
import { PcmReassembler } from './pcm.js';

/**
 * Lead before the first buffer after an underrun. `currentTime` is the start of the next render quantum
 * (128 frames, ~3 ms), so a few ms keep the start from racing the audio thread; more is only latency.
 * Later chunks of a turn are queued back to back (`nextStartTime`) and need no lead.
 */
const START_LEAD_S = 0.005;
/** How many interrupted chat ids to remember (their late frames are dropped). */
const INTERRUPTED_MEMORY = 64;

export interface AudioPlayerCallbacks {
  speakingStart(chatId: string): void;
  speakingStop(chatId: string): void;
  /** A clause's first buffer starts playing now: show its caption. */
  clauseStart(chatId: string, clauseId: number, text: string): void;
  /**
   * The viseme timeline of what is scheduled, on the AudioContext clock (seconds), from engines that
   * provide timings; null when playback was cut and the timeline no longer holds.
   */
  visemes(cues: ReadonlyArray<{ time: number; viseme: string }> | null): void;
}

interface Clause {
  sampleRate: number;
  text: string;
  visemes: readonly VisemeTiming[];
  pcm: PcmReassembler;
  scheduled: boolean;
}

interface ChatPlayback {
  chatId: string;
  clauses: Map<number, Clause>;
  sources: Set<AudioBufferSourceNode>;
  timers: Set<() => void>;
  hasAudio: boolean;
  started: boolean;
  turnEnded: boolean;
}

/**
 * Plays the server's streamed speech gap-free on the Web Audio clock:
 * source buffers → AnalyserNode (lip sync; before the gain so the mouth moves when muted) → GainNode (mute)
 * → destination. Tells when a chat really starts and stops being audible, and when each clause starts.
 */
export class AudioPlayer {
  readonly analyser: AnalyserNode;
  private readonly gain: GainNode;
  private readonly chats = new Map<string, ChatPlayback>();
  private readonly interrupted = new Set<string>();
  private nextStartTime = 0;
  /** Viseme cues of what is scheduled (engines with timings only), on the audio clock. */
  private timeline: Array<{ time: number; viseme: string }> = [];
  private closed = false;

  constructor(
    readonly context: AudioContext,
    private readonly callbacks: AudioPlayerCallbacks,
    private readonly log: Logger,
  ) {
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.analyser.smoothingTimeConstant = 0;
    this.gain = context.createGain();
    this.analyser.connect(this.gain);
    this.gain.connect(context.destination);
  }

  setMuted(muted: boolean): void {
    this.gain.gain.value = muted ? 0 : 1;
  }

  /** Browsers start an AudioContext suspended until a user gesture; call this from any gesture. */
  resume(): void {
    if (this.closed || this.context.state !== 'suspended') return;
    this.context.resume().catch((error) => this.log.debug('AudioContext.resume failed', error));
  }

  isInterrupted(chatId: string): boolean {
    return this.interrupted.has(chatId);
  }

  /** The chats that have audio scheduled or may still receive some. */
  get activeChatIds(): string[] {
    return [...this.chats.keys()];
  }

  /** A `speech` message: the clause whose audio frames follow. */
  announceClause(message: SpeechMessage): void {
    if (this.closed || this.interrupted.has(message.chatId)) return;
    if (message.encoding !== 'pcm_s16le') {
      this.log.warn(`clause ${message.chatId}/${message.clauseId}: unsupported encoding '${message.encoding}'`);
      return;
    }
    if (!(message.sampleRate >= 3000 && message.sampleRate <= 768_000)) {
      this.log.warn(`clause ${message.chatId}/${message.clauseId}: unusable sampleRate ${message.sampleRate}`);
      return;
    }
    this.chat(message.chatId).clauses.set(message.clauseId, {
      sampleRate: message.sampleRate,
      text: message.text,
      visemes: Array.isArray(message.visemes) ? message.visemes : [],
      pcm: new PcmReassembler(),
      scheduled: false,
    });
  }

  /** A binary audio frame, decoded. */
  enqueue(frame: DecodedAudioFrame): void {
    const { chatId, clauseId } = frame.header;
    if (this.closed || this.interrupted.has(chatId)) return;
    const chat = this.chats.get(chatId);
    const clause = chat?.clauses.get(clauseId);
    if (!chat || !clause) {
      this.log.warn(`audio for unannounced clause ${chatId}/${clauseId} ignored`);
      return;
    }
    const samples = clause.pcm.push(frame.pcm);
    if (frame.last) chat.clauses.delete(clauseId);
    if (samples.length === 0) return;

    const ctx = this.context;
    const buffer = ctx.createBuffer(1, samples.length, clause.sampleRate);
    buffer.getChannelData(0).set(samples);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.analyser);
    const startAt = Math.max(ctx.currentTime + START_LEAD_S, this.nextStartTime);
    source.start(startAt);
    this.nextStartTime = startAt + buffer.duration;
    chat.sources.add(source);
    source.onended = () => {
      source.disconnect();
      if (!chat.sources.delete(source)) return;
      this.maybeFinish(chat);
    };

    const firstOfChat = !chat.hasAudio;
    chat.hasAudio = true;
    const firstOfClause = !clause.scheduled;
    clause.scheduled = true;
    if (firstOfClause && clause.visemes.length) this.addVisemes(startAt, clause.visemes);
    if (firstOfChat || firstOfClause) {
      this.at(chat, startAt, () => {
        if (firstOfChat) this.markStarted(chat);
        if (firstOfClause) this.callbacks.clauseStart(chatId, clauseId, clause.text);
      });
    }
  }

  /** The server's turnEnd: once the scheduled audio has played out, the chat stops speaking. */
  endChat(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (!chat) return;
    chat.turnEnded = true;
    this.maybeFinish(chat);
  }

  /**
   * Stops everything at once: every scheduled buffer, every pending timer. The given chats and all known
   * ones are remembered as interrupted, so their late frames are dropped. Returns the chats that stopped.
   */
  interrupt(alsoChatIds: Iterable<string> = []): string[] {
    const stopped: string[] = [];
    for (const chat of [...this.chats.values()]) {
      this.remember(chat.chatId);
      for (const source of chat.sources) {
        source.onended = null;
        try {
          source.stop();
        } catch {
          // not started yet in some engines; disconnect silences it anyway
        }
        source.disconnect();
      }
      chat.sources.clear();
      for (const cancel of chat.timers) cancel();
      chat.timers.clear();
      this.chats.delete(chat.chatId);
      if (chat.started) {
        stopped.push(chat.chatId);
        this.callbacks.speakingStop(chat.chatId);
      }
    }
    for (const chatId of alsoChatIds) this.remember(chatId);
    this.nextStartTime = 0;
    if (this.timeline.length) {
      this.timeline = [];
      this.callbacks.visemes(null);
    }
    return stopped;
  }

  /** Appends a clause's viseme timings, placed at the clause's start on the audio clock. */
  private addVisemes(startAt: number, visemes: readonly VisemeTiming[]): void {
    const now = this.context.currentTime;
    const past = this.timeline.filter((cue) => cue.time >= now - 1);
    const added = visemes
      .filter((cue) => Number.isFinite(cue.t) && typeof cue.v === 'string')
      .map((cue) => ({ time: startAt + cue.t / 1000, viseme: cue.v }));
    this.timeline = [...past, ...added];
    this.callbacks.visemes(this.timeline);
  }

  /** Stops playback and closes the AudioContext. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.interrupt();
    this.closed = true;
    try {
      this.analyser.disconnect();
      this.gain.disconnect();
      await this.context.close();
    } catch (error) {
      this.log.debug('AudioContext.close failed', error);
    }
  }

  private chat(chatId: string): ChatPlayback {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = { chatId, clauses: new Map(), sources: new Set(), timers: new Set(), hasAudio: false, started: false, turnEnded: false };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  private markStarted(chat: ChatPlayback): void {
    if (chat.started) return;
    chat.started = true;
    this.callbacks.speakingStart(chat.chatId);
  }

  private maybeFinish(chat: ChatPlayback): void {
    if (!chat.turnEnded || chat.sources.size > 0) return;
    for (const cancel of chat.timers) cancel();
    chat.timers.clear();
    this.chats.delete(chat.chatId);
    if (!chat.hasAudio) return;
    // A very short last buffer can end before its start timer ran; keep start before stop.
    this.markStarted(chat);
    this.callbacks.speakingStop(chat.chatId);
  }

  /**
   * Runs `fn` when the audio clock reaches `time`. Re-checks the clock when the timer fires, so a context
   * that is suspended (autoplay policy) delays the callback instead of firing it before the sound.
   */
  private at(chat: ChatPlayback, time: number, fn: () => void): void {
    let handle: ReturnType<typeof setTimeout>;
    const cancel = () => clearTimeout(handle);
    const check = () => {
      const wait = time - this.context.currentTime;
      if (wait > 0.004) {
        handle = setTimeout(check, Math.max(4, wait * 1000));
        return;
      }
      chat.timers.delete(cancel);
      fn();
    };
    chat.timers.add(cancel);
    check();
  }

  private remember(chatId: string): void {
    this.interrupted.delete(chatId);
    this.interrupted.add(chatId);
    if (this.interrupted.size > INTERRUPTED_MEMORY) {
      this.interrupted.delete(this.interrupted.values().next().value as string);
    }
  }
}
