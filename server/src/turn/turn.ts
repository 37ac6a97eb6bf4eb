/**
 * One conversation turn: text from a brain (or driven text) → clauses → semantic, speech and audio frames
 * down the channel, strictly in clause order. Synthesis of a clause starts as soon as the clause is
 * complete and runs ahead of sending by one clause, so audio flows without gaps.
 */
import {
  encodeAudioFrame,
  errorMessage,
  type ErrorCode,
  type LanguageCode,
  type ServerMessage,
  type TurnEndMessage,
} from '@dhkit/protocol';
import type { BrainChunk } from './brain/brain.js';
import { ClauseSegmenter } from './segmenter.js';
import { toSpeakable } from './speakable.js';
import type { TextToSpeech } from './tts/tts.js';

export interface TurnSink {
  sendMessage(message: ServerMessage): void;
  sendBinary(frame: Uint8Array): void;
}

export interface TurnOptions {
  chatId: string;
  kind: 'answer' | 'driven';
  /** Language until the text says otherwise (a brain's first chunk may name its language). */
  language: LanguageCode;
  sink: TurnSink;
  tts: TextToSpeech;
  voiceFor(language: LanguageCode): string | undefined;
  /** Called once with the milliseconds from `startedAt` to the first audio frame sent. */
  onFirstAudio?(ms: number): void;
  onError?(error: unknown): void;
  /** performance.now() when the question arrived. */
  startedAt?: number;
}

/** How many clauses may be synthesizing ahead of the one being sent (including it). */
const SYNTHESIS_LOOKAHEAD = 2;

export class Turn {
  readonly chatId: string;
  readonly kind: 'answer' | 'driven';
  private readonly controller = new AbortController();
  private ended = false;
  private endedPromise: Promise<void> | null = null;

  constructor(private readonly options: TurnOptions) {
    this.chatId = options.chatId;
    this.kind = options.kind;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Runs the turn over `source`; resolves when the turn has ended, however it ended. */
  run(source: AsyncIterable<BrainChunk>): Promise<void> {
    this.endedPromise ??= this.execute(source).catch((error) => {
      this.options.onError?.(error);
      this.send({ type: 'error', code: 'INTERNAL_ERROR', message: errorMessage('INTERNAL_ERROR'), chatId: this.chatId });
      this.end('failed');
    });
    return this.endedPromise;
  }

  /** Stops at once: no more messages or frames of this chat after the `turnEnd {interrupted}` sent here. */
  interrupt(): void {
    this.end('interrupted');
  }

  private end(reason: TurnEndMessage['reason']): void {
    if (this.ended) return;
    this.send({ type: 'turnEnd', chatId: this.chatId, reason });
    this.ended = true;
    this.controller.abort();
  }

  private send(message: ServerMessage): void {
    if (!this.ended) this.options.sink.sendMessage(message);
  }

  private async execute(source: AsyncIterable<BrainChunk>): Promise<void> {
    const { sink, tts, chatId } = this.options;
    const signal = this.controller.signal;
    this.send({ type: 'turnStart', chatId, kind: this.kind });

    const clauses: Clause[] = [];
    let producerDone = false;
    let producerError: unknown = null;
    let wakeConsumer: (() => void) | null = null;
    const wake = () => {
      wakeConsumer?.();
      wakeConsumer = null;
    };
    signal.addEventListener('abort', wake, { once: true });
    let language = this.options.language;
    let languageFixed = false;
    const segmenter = new ClauseSegmenter();
    const addClause = (raw: string) => {
      clauses.push(new Clause(clauses.length, raw, toSpeakable(raw), language));
      wake();
    };

    const producer = (async () => {
      try {
        for await (const chunk of source) {
          if (signal.aborted) return;
          if (!languageFixed && chunk.language) language = chunk.language;
          languageFixed = true;
          for (const clause of segmenter.push(chunk.text)) addClause(clause);
        }
        if (signal.aborted) return;
        for (const clause of segmenter.flush()) addClause(clause);
      } catch (error) {
        producerError = error;
      } finally {
        producerDone = true;
        wake();
      }
    })();

    let synthesisFailed = false;
    let lastSemanticSent = false;
    let firstAudioReported = false;
    for (let index = 0; ; index++) {
      while (clauses.length <= index && !producerDone && !signal.aborted) {
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
      if (signal.aborted) return;
      if (clauses.length <= index) break;
      for (let ahead = index; ahead < Math.min(clauses.length, index + SYNTHESIS_LOOKAHEAD); ahead++) {
        clauses[ahead].startSynthesis(tts, this.options.voiceFor(clauses[ahead].language), signal);
      }
      const clause = clauses[index];
      const isLast = producerDone && !producerError && index === clauses.length - 1;
      this.send({ type: 'semantic', chatId, text: clause.raw, isLast });
      lastSemanticSent = isLast;
      if (!clause.audio) continue;

      let held: Uint8Array | null = null;
      let seq = 0;
      let speechSent = false;
      const sendFrame = (pcm: Uint8Array, last: boolean) => {
        if (this.ended) return;
        sink.sendBinary(encodeAudioFrame({ chatId, clauseId: clause.id, seq: seq++ }, last, pcm));
        if (!firstAudioReported && this.options.startedAt !== undefined) {
          firstAudioReported = true;
          this.options.onFirstAudio?.(performance.now() - this.options.startedAt);
        }
      };
      try {
        for (;;) {
          // Hold one chunk back so the clause's last chunk can carry the flag, but never wait for that.
          if (held && !clause.audio.hasBuffered()) {
            sendFrame(held, false);
            held = null;
          }
          const next = await clause.audio.next();
          if (signal.aborted) return;
          if (next === null) break;
          if (!speechSent) {
            this.send({
              type: 'speech',
              chatId,
              clauseId: clause.id,
              text: clause.speakable,
              sampleRate: tts.sampleRate,
              encoding: 'pcm_s16le',
            });
            speechSent = true;
          }
          if (held) sendFrame(held, false);
          held = next;
        }
        if (speechSent) sendFrame(held ?? new Uint8Array(0), true);
      } catch (error) {
        if (signal.aborted) return;
        if (speechSent) sendFrame(held ?? new Uint8Array(0), true);
        if (!synthesisFailed) {
          synthesisFailed = true;
          this.options.onError?.(error);
          this.sendError('SPEECH_SYNTHESIS_FAILED');
        }
      }
    }
    await producer;
    if (signal.aborted) return;
    if (producerError) {
      this.options.onError?.(producerError);
      this.sendError('INTERNAL_ERROR');
      this.end('failed');
      return;
    }
    if (!lastSemanticSent) this.send({ type: 'semantic', chatId, text: '', isLast: true });
    this.end('completed');
  }

  private sendError(code: ErrorCode): void {
    this.send({ type: 'error', code, message: errorMessage(code, this.options.language), chatId: this.chatId });
  }
}

class Clause {
  audio: PcmPrefetch | null = null;
  private started = false;

  constructor(
    readonly id: number,
    readonly raw: string,
    readonly speakable: string,
    readonly language: LanguageCode,
  ) {}

  startSynthesis(tts: TextToSpeech, voice: string | undefined, signal: AbortSignal): void {
    if (this.started || this.speakable === '') return;
    this.started = true;
    this.audio = new PcmPrefetch(
      voice
        ? tts.synthesize(this.speakable, voice, signal)
        : failing(new Error(`No voice configured for ${this.language}.`)),
    );
  }
}

async function* failing(error: Error): AsyncIterable<Uint8Array> {
  throw error;
}

/** Pulls a synthesis stream eagerly into memory so it runs while earlier clauses are still being sent. */
class PcmPrefetch {
  private readonly chunks: Uint8Array[] = [];
  private done = false;
  private error: unknown = null;
  private waiter: (() => void) | null = null;

  constructor(source: AsyncIterable<Uint8Array>) {
    void this.pump(source);
  }

  hasBuffered(): boolean {
    return this.chunks.length > 0 || this.done;
  }

  /** The next chunk, null at the end; throws what synthesis threw. */
  async next(): Promise<Uint8Array | null> {
    while (this.chunks.length === 0 && !this.done) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    if (this.chunks.length > 0) return this.chunks.shift()!;
    if (this.error) throw this.error;
    return null;
  }

  private async pump(source: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of source) {
        this.chunks.push(chunk);
        this.wake();
      }
    } catch (error) {
      this.error = error;
    } finally {
      this.done = true;
      this.wake();
    }
  }

  private wake(): void {
    this.waiter?.();
    this.waiter = null;
  }
}

/** Driven text as a source: pieces are pushed as they arrive; `isLast` ends it. */
export class DrivenTextSource implements AsyncIterable<BrainChunk> {
  private readonly pieces: string[] = [];
  private closed = false;
  private waiter: (() => void) | null = null;

  get isClosed(): boolean {
    return this.closed;
  }

  push(text: string, isLast: boolean): void {
    if (this.closed) return;
    if (text) this.pieces.push(text);
    if (isLast) this.closed = true;
    this.waiter?.();
    this.waiter = null;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BrainChunk> {
    for (;;) {
      while (this.pieces.length > 0) yield { text: this.pieces.shift()! };
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
}
