/**
 * Watches one answer turn for the analytics log: what the brain said about its answer (first chunk:
 * language, confidence, answered, entryId), whether it failed before saying anything (the turn then speaks
 * the fallback answer), and when each stage of the turn was reached (the console's slowest turns).
 */
import type { LanguageCode, TurnStages } from '@dhkit/protocol';
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
  private readonly stages: TurnStages = {};

  /** `startedAt`: performance.now() when the question arrived (the turn's clock). */
  constructor(
    private readonly asked: AskedQuestion,
    private readonly startedAt = performance.now(),
  ) {}

  private reached(stage: keyof TurnStages): void {
    this.stages[stage] ??= performance.now() - this.startedAt;
  }

  /** Passes the brain's chunks through unchanged, noting the first chunk's verdict and a failure before any text. */
  async *observe(source: AsyncIterable<BrainChunk>): AsyncIterable<BrainChunk> {
    let first = true;
    let textSeen = false;
    try {
      for await (const chunk of source) {
        this.reached('brainFirstChunkMs');
        if (first) {
          first = false;
          this.answered = chunk.answered;
          if (chunk.confidence !== undefined) this.confidence = chunk.confidence;
          if (chunk.entryId !== undefined) this.entryId = chunk.entryId;
        }
        if (chunk.text !== '') {
          textSeen = true;
          this.reached('brainFirstTextMs');
        }
        yield chunk;
      }
      this.reached('brainDoneMs');
    } catch (error) {
      // The turn speaks the fallback answer when nothing was said yet; what was said before a fault stands.
      if (!textSeen) this.failed = true;
      throw error;
    }
  }

  /** `ms` from the question's arrival, on the same clock as `startedAt`. */
  firstAudio(ms: number): void {
    this.latencyMs ??= ms;
    this.stages.firstAudioMs ??= ms;
  }

  /**
   * The log record. Answered unless the brain said it declined (fallback or "did you mean") or failed
   * before answering; a brain that does not say (an LLM) counts as answered when it produced an answer.
   */
  record(): QuestionRecordInput {
    this.reached('turnEndMs');
    return {
      ...this.asked,
      entryId: this.entryId,
      confidence: this.confidence,
      latencyMs: this.latencyMs,
      answered: !this.failed && this.answered !== false,
      createdAt: this.askedAt,
      stages: { ...this.stages },
    };
  }
}
