/**
 * Watches one answer turn for the analytics log: what the brain said about its answer (first chunk:
 * language, confidence, answered, entryId), whether it failed before saying anything (the turn then speaks
 * the fallback answer), and when the first audio frame went out.
 */
import type { LanguageCode } from '@dhkit/protocol';
import type { QuestionRecordInput } from '../store/store.js';
import type { BrainChunk } from '../adapters/brain/brain.js';

export interface AskedQuestion {
  robotId: string;
  sessionId: string;
  chatId: string;
  question: string;
  /** The question's language (as detected for the answer). */
  language: LanguageCode;
  brain: string;
}

export class QuestionObserver {
  private readonly askedAt = Date.now();
  private answered: boolean | undefined;
  private confidence: number | null = null;
  private entryId: number | null = null;
  private failed = false;
  private latencyMs: number | null = null;

  constructor(private readonly asked: AskedQuestion) {}

  /** Passes the brain's chunks through unchanged, noting the first chunk's verdict and a failure before any text. */
  async *observe(source: AsyncIterable<BrainChunk>): AsyncIterable<BrainChunk> {
    let first = true;
    let textSeen = false;
    try {
      for await (const chunk of source) {
        if (first) {
          first = false;
          this.answered = chunk.answered;
          if (chunk.confidence !== undefined) this.confidence = chunk.confidence;
          if (chunk.entryId !== undefined) this.entryId = chunk.entryId;
        }
        if (chunk.text !== '') textSeen = true;
        yield chunk;
      }
    } catch (error) {
      // The turn speaks the fallback answer when nothing was said yet; what was said before a fault stands.
      if (!textSeen) this.failed = true;
      throw error;
    }
  }

  firstAudio(ms: number): void {
    this.latencyMs ??= ms;
  }

  /**
   * The log record. Answered unless the brain said it declined (fallback or "did you mean") or failed
   * before answering; a brain that does not say (an LLM) counts as answered when it produced an answer.
   */
  record(): QuestionRecordInput {
    return {
      ...this.asked,
      entryId: this.entryId,
      confidence: this.confidence,
      latencyMs: this.latencyMs,
      answered: !this.failed && this.answered !== false,
      createdAt: this.askedAt,
    };
  }
}
