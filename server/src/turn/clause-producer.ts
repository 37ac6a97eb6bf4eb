/**
 * The brain side of a turn: reads the answer's chunks, cuts them into clauses (ClauseSegmenter) and queues
 * them. A brain that fails in an answer turn leaves what it said standing, or is replaced by the robot's
 * fallback answer when it said nothing speakable yet.
 */
import type { ErrorCode, LanguageCode } from '@dhkit/protocol';
import { BrainError, type BrainChunk } from '../adapters/brain/brain.js';
import type { ClauseQueue } from './clause.js';
import { ClauseSegmenter } from './segmenter.js';
import { toSpeakable } from './speakable.js';
import type { TurnResult } from './turn-result.js';

export interface ClauseProducerOptions {
  clauses: ClauseQueue;
  /** Language until the first chunk says otherwise. */
  language: LanguageCode;
  signal: AbortSignal;
  /** Filled in as the brain reports: its verdict, confidence, suggestions, first text, failure. */
  result: TurnResult;
  maxAnswerChars: number;
  /** What to say when the brain fails before saying anything; absent: a failure fails the turn. */
  fallbackAnswer?(language: LanguageCode): string;
  onError(error: unknown): void;
  sendError(code: ErrorCode): void;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export class ClauseProducer {
  /** The answer's language (a brain's first chunk may name it). */
  language: LanguageCode;
  /** Something speakable has arrived (pacify is no longer needed). */
  speakableSeen = false;
  /** A failure the turn must report once the queued clauses are sent (set only without a fallback). */
  failure: unknown = null;
  private readonly segmenter = new ClauseSegmenter();
  private receivedChars = 0;
  private readonly startedAt = performance.now();

  constructor(private readonly options: ClauseProducerOptions) {
    this.language = options.language;
  }

  /** Reads `source` to its end (or the abort); closes the clause queue however it ends. */
  async run(source: AsyncIterable<BrainChunk>): Promise<void> {
    try {
      await this.read(source);
    } catch (error) {
      if (!this.options.signal.aborted) this.fail(error);
    } finally {
      this.options.clauses.close();
    }
  }

  private async read(source: AsyncIterable<BrainChunk>): Promise<void> {
    const { signal, result, maxAnswerChars } = this.options;
    let first = true;
    for await (const chunk of source) {
      if (signal.aborted) return;
      if (first) {
        if (chunk.language) this.language = chunk.language;
        if (chunk.answered !== undefined) result.answered = chunk.answered;
        if (chunk.confidence !== undefined) result.confidence = chunk.confidence;
        if (chunk.suggestions) result.suggestions = chunk.suggestions;
        first = false;
      }
      if (chunk.text === '') continue;
      result.firstTextMs ??= performance.now() - this.startedAt;
      this.receivedChars += chunk.text.length;
      // Past the maximum, only what fits is segmented: one brain chunk may be as long as the brain likes (a stream
      // event of a million `[`), and the segmenter's work grows with what it is given.
      const overflow = this.receivedChars - maxAnswerChars;
      const text = overflow > 0 ? chunk.text.slice(0, Math.max(0, chunk.text.length - overflow)) : chunk.text;
      this.addClauses(this.segmenter.push(text));
      // Only the segmenter's pending text (bounded), and only when the chunk brought a letter or digit: reading
      // the whole answer per chunk was quadratic (4,000 unclosed `[` froze the server for a minute).
      if (!this.speakableSeen && LETTER_OR_DIGIT.test(text) && toSpeakable(this.segmenter.pending) !== '') {
        this.speakableSeen = true;
      }
      if (overflow > 0) {
        // Leaving the loop closes the brain's stream (and its HTTP request).
        throw new BrainError('BRAIN_UNAVAILABLE', `The answer was cut after ${maxAnswerChars} characters.`);
      }
    }
    if (signal.aborted) return;
    this.addClauses(this.segmenter.flush());
  }

  private fail(error: unknown): void {
    const { fallbackAnswer, result } = this.options;
    if (!fallbackAnswer) {
      this.failure = error;
      return;
    }
    // A brain fault: what did arrive stands; if nothing speakable did, the fallback answer is spoken.
    this.options.onError(error);
    const code: ErrorCode = error instanceof BrainError ? error.code : 'INTERNAL_ERROR';
    result.brainError = code;
    this.options.sendError(code);
    if (this.speakableSeen) {
      this.addClauses(this.segmenter.flush());
    } else {
      const fallback = new ClauseSegmenter();
      const text = fallbackAnswer(this.language);
      this.addClauses([...fallback.push(text), ...fallback.flush()]);
      this.speakableSeen = true;
      result.answered = false;
    }
  }

  private addClauses(raws: Iterable<string>): void {
    for (const raw of raws) {
      const speakable = toSpeakable(raw);
      if (speakable !== '') this.speakableSeen = true;
      this.options.clauses.add(raw, speakable, this.language);
    }
  }
}
