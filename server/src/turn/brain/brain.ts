import type { LanguageCode, Robot } from '@dhkit/protocol';

export interface BrainContext {
  /** The session's language. */
  language: LanguageCode;
  robot: Robot;
  /** Aborted when the turn is interrupted; a brain stops producing text then. */
  signal: AbortSignal;
}

/** A piece of an answer. The first piece may say which language the answer is in and how sure the brain is. */
export interface BrainChunk {
  text: string;
  language?: LanguageCode;
  /** 0..1 */
  confidence?: number;
}

/** Answers a question as a stream of text (a knowledge base answers at once, an LLM token by token). */
export interface Brain {
  answer(question: string, context: BrainContext): AsyncIterable<BrainChunk>;
}
