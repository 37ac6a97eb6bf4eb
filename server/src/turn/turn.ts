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
import type { PacifyConfig, VisemeTiming } from '@dhkit/protocol';
import { BrainError, type BrainChunk } from '../adapters/brain/brain.js';
import { ClauseSegmenter } from './segmenter.js';
import { toSpeakable } from './speakable.js';
import type { TextToSpeech } from '../adapters/tts/tts.js';

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
  /** What to say when the brain fails before saying anything (answer turns). */
  fallbackAnswer?(language: LanguageCode): string;
  /** Filler phrases while a slow brain has said nothing speakable (answer turns). */
  pacify?: PacifyConfig;
  /** An answer is cut after this many characters (an endless stream). Default 4000. */
  maxAnswerChars?: number;
  /** Called once when the turn has ended, however it ended. */
  onFinished?(result: TurnResult): void;
}

/** How a turn went, for history and analytics. */
export interface TurnResult {
  reason: TurnEndMessage['reason'];
  /** The answer as sent in `semantic` messages (the fallback, if one was spoken). */
  text: string;
  /** The brain's own verdict (false: it declined); undefined when it did not say. */
  answered?: boolean;
  confidence?: number;
  suggestions?: string[];
  /** Set when the brain failed; the fallback answer was spoken unless part of the answer already was. */
  brainError?: ErrorCode;
  /** ms from the start of the turn to the brain's first text. */
  firstTextMs?: number;
  /** A pacify phrase was spoken. */
  pacified: boolean;
}

const DEFAULT_MAX_ANSWER_CHARS = 4000;

/** How many clauses may be synthesizing ahead of the one being sent (including it). */
const SYNTHESIS_LOOKAHEAD = 2;

export class Turn {
  readonly chatId: string;
  readonly kind: 'answer' | 'driven';
  private readonly controller = new AbortController();
  private ended = false;
  private endedPromise: Promise<void> | null = null;
  private readonly result: TurnResult = { reason: 'completed', text: '', pacified: false };

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
    this.result.reason = reason;
    try {
      this.options.onFinished?.(this.result);
    } catch (error) {
      this.options.onError?.(error);
    }
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

    const turnStart = performance.now();
    const maxAnswerChars = this.options.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS;
    let received = '';
    let speakableSeen = false;
    const producer = (async () => {
      try {
        for await (const chunk of source) {
          if (signal.aborted) return;
          if (!languageFixed) {
            if (chunk.language) language = chunk.language;
            if (chunk.answered !== undefined) this.result.answered = chunk.answered;
            if (chunk.confidence !== undefined) this.result.confidence = chunk.confidence;
            if (chunk.suggestions) this.result.suggestions = chunk.suggestions;
          }
          languageFixed = true;
          if (chunk.text === '') continue;
          this.result.firstTextMs ??= performance.now() - turnStart;
          received += chunk.text;
          if (!speakableSeen && toSpeakable(received) !== '') speakableSeen = true;
          for (const clause of segmenter.push(chunk.text)) addClause(clause);
          if (received.length > maxAnswerChars) {
            // Leaving the loop closes the brain's stream (and its HTTP request).
            throw new BrainError('BRAIN_UNAVAILABLE', `The answer was cut after ${maxAnswerChars} characters.`);
          }
        }
        if (signal.aborted) return;
        for (const clause of segmenter.flush()) addClause(clause);
      } catch (error) {
        if (signal.aborted) return;
        if (this.kind === 'answer' && this.options.fallbackAnswer) {
          // A brain fault: what did arrive stands; if nothing speakable did, the fallback answer is spoken.
          this.options.onError?.(error);
          const code: ErrorCode = error instanceof BrainError ? error.code : 'INTERNAL_ERROR';
          this.result.brainError = code;
          this.sendError(code);
          if (speakableSeen) {
            for (const clause of segmenter.flush()) addClause(clause);
          } else {
            const fallback = new ClauseSegmenter();
            const text = this.options.fallbackAnswer(language);
            for (const clause of [...fallback.push(text), ...fallback.flush()]) addClause(clause);
            speakableSeen = true;
            this.result.answered = false;
          }
        } else {
          producerError = error;
        }
      } finally {
        producerDone = true;
        wake();
      }
    })();

    const pacify = this.kind === 'answer' ? this.options.pacify : undefined;
    let pacifyTimer: NodeJS.Timeout | null = null;
    if (pacify?.enabled) {
      pacifyTimer = setTimeout(() => {
        if (speakableSeen || producerDone || signal.aborted) return;
        const phrases = pacify.phrases[language] ?? [];
        if (phrases.length === 0) return;
        const phrase = toSpeakable(phrases[Math.floor(Math.random() * phrases.length)]);
        if (phrase === '') return;
        this.result.pacified = true;
        clauses.push(new Clause(clauses.length, '', phrase, language, true));
        wake();
      }, Math.max(0, pacify.triggerMs));
      signal.addEventListener('abort', () => clearTimeout(pacifyTimer!), { once: true });
    }

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
      if (!clause.filler) {
        const isLast = producerDone && !producerError && index === clauses.length - 1;
        this.send({ type: 'semantic', chatId, text: clause.raw, isLast });
        this.result.text += clause.raw;
        lastSemanticSent = isLast;
      }
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
              ...(clause.filler ? { filler: true as const } : {}),
              ...(clause.visemes.length ? { visemes: [...clause.visemes].sort((a, b) => a.t - b.t) } : {}),
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
    if (pacifyTimer) clearTimeout(pacifyTimer);
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
  /** Viseme timings, when the speech engine reports them. */
  visemes: VisemeTiming[] = [];
  private started = false;

  constructor(
    readonly id: number,
    readonly raw: string,
    readonly speakable: string,
    readonly language: LanguageCode,
    /** A pacify phrase: spoken, but not part of the answer (no semantic). */
    readonly filler = false,
  ) {}

  startSynthesis(tts: TextToSpeech, voice: string | undefined, signal: AbortSignal): void {
    if (this.started || this.speakable === '') return;
    this.started = true;
    this.audio = new PcmPrefetch(
      voice
        ? tts.synthesize(this.speakable, voice, signal, (timings) => this.visemes.push(...timings))
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
