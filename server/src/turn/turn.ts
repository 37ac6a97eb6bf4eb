/**
 * One conversation turn: text from a brain (or driven text) → clauses → semantic, speech and audio frames
 * down the channel, strictly in clause order. Synthesis of a clause starts as soon as the clause is
 * complete and runs ahead of sending by one clause, so audio flows without gaps.
 *
 * The parts: ClauseProducer (the brain side) fills a ClauseQueue, pacify may add a filler to it, and the
 * loop here takes clauses in order, sends their semantic text and hands their audio to the ClauseSender.
 */
import { errorMessage, type ErrorCode, type LanguageCode, type ServerMessage, type TurnEndMessage } from '@dhkit/protocol';
import type { PacifyConfig } from '@dhkit/protocol';
import type { BrainChunk } from '../adapters/brain/brain.js';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import { ClauseQueue } from './clause.js';
import { ClauseProducer } from './clause-producer.js';
import { ClauseSender } from './clause-sender.js';
import { startPacify } from './pacify.js';
import type { TurnResult } from './turn-result.js';

export type { TurnResult } from './turn-result.js';

export interface TurnSink {
  sendMessage(message: ServerMessage): void;
  sendBinary(frame: Uint8Array): void;
  /** Resolves when the sink can take more audio (backpressure); absent: always. */
  ready?(signal: AbortSignal): Promise<void>;
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
  /** Audio goes out at most this far ahead of playback, in ms (real-time-pacer.ts). Default 10 s. */
  audioLeadMs?: number;
  /** Called once when the turn has ended, however it ended. */
  onFinished?(result: TurnResult): void;
}

const DEFAULT_MAX_ANSWER_CHARS = 4000;
const DEFAULT_AUDIO_LEAD_MS = 10_000;

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

  private sendError(code: ErrorCode): void {
    this.send({ type: 'error', code, message: errorMessage(code, this.options.language), chatId: this.chatId });
  }

  private reportError(error: unknown): void {
    this.options.onError?.(error);
  }

  private async execute(source: AsyncIterable<BrainChunk>): Promise<void> {
    const { tts, chatId } = this.options;
    const signal = this.controller.signal;
    this.send({ type: 'turnStart', chatId, kind: this.kind });

    const clauses = new ClauseQueue();
    const isAnswer = this.kind === 'answer';
    const producer = new ClauseProducer({
      clauses,
      language: this.options.language,
      signal,
      result: this.result,
      maxAnswerChars: this.options.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS,
      fallbackAnswer: isAnswer ? this.options.fallbackAnswer : undefined,
      onError: (error) => this.reportError(error),
      sendError: (code) => this.sendError(code),
    });
    const producing = producer.run(source);
    const stopPacify = startPacify({
      config: isAnswer ? this.options.pacify : undefined,
      signal,
      stillSilent: () => !producer.speakableSeen && !clauses.isClosed,
      language: () => producer.language,
      speak: (phrase, language) => {
        this.result.pacified = true;
        clauses.add('', phrase, language, true);
      },
    });
    const sender = this.clauseSender(signal);

    let lastSemanticSent = false;
    for (;;) {
      const clause = await clauses.next(signal);
      if (signal.aborted) return;
      if (!clause) break;
      for (const next of [clause, ...clauses.buffered.slice(0, SYNTHESIS_LOOKAHEAD - 1)]) {
        next.startSynthesis(tts, this.options.voiceFor(next.language), signal);
      }
      if (!clause.filler) {
        const isLast = clauses.isClosed && !producer.failure && clauses.buffered.length === 0;
        this.send({ type: 'semantic', chatId, text: clause.raw, isLast });
        this.result.text += clause.raw;
        lastSemanticSent = isLast;
      }
      await sender.sendAudio(clause);
      if (signal.aborted) return;
    }
    await producing;
    stopPacify();
    if (signal.aborted) return;
    if (producer.failure) {
      this.reportError(producer.failure);
      this.sendError('INTERNAL_ERROR');
      this.end('failed');
      return;
    }
    if (!lastSemanticSent) this.send({ type: 'semantic', chatId, text: '', isLast: true });
    this.end('completed');
  }

  private clauseSender(signal: AbortSignal): ClauseSender {
    const { sink, startedAt } = this.options;
    return new ClauseSender({
      chatId: this.chatId,
      sampleRate: this.options.tts.sampleRate,
      signal,
      isEnded: () => this.ended,
      send: (message) => this.send(message),
      sendBinary: (frame) => sink.sendBinary(frame),
      ready: (signal) => sink.ready?.(signal) ?? Promise.resolve(),
      audioLeadMs: this.options.audioLeadMs ?? DEFAULT_AUDIO_LEAD_MS,
      sendError: (code) => this.sendError(code),
      onError: (error) => this.reportError(error),
      onFirstFrame: () => {
        if (startedAt !== undefined) this.options.onFirstAudio?.(performance.now() - startedAt);
      },
    });
  }
}
