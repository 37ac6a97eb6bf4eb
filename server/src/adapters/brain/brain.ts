import type { LanguageCode, Robot } from '@dhkit/protocol';
import { CodedError } from '../../errors.js';

/** A session's conversation so far, for brains that answer in context (an LLM, a customer's webhook). */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface BrainContext {
  /** The session's language. */
  language: LanguageCode;
  robot: Robot;
  /** Aborted when the turn is interrupted; a brain stops producing text then (and aborts its HTTP request). */
  signal: AbortSignal;
  sessionId?: string;
  chatId?: string;
  /** Earlier questions and answers of this session, oldest first. */
  history?: readonly HistoryMessage[];
  /** Opaque data from the client, passed through to a webhook brain. */
  extendParam?: unknown;
}

/** A piece of an answer. The first piece may say which language the answer is in and how sure the brain is. */
export interface BrainChunk {
  text: string;
  language?: LanguageCode;
  /** 0..1 */
  confidence?: number;
  /** False on the first chunk when the brain declined (the text is a fallback answer). */
  answered?: boolean;
  /** "Did you mean" questions, when the brain was unsure. */
  suggestions?: string[];
  /** The knowledge entry that answered, or the first one suggested when unsure (first chunk; for analytics). */
  entryId?: number;
}

/** Answers a question as a stream of text (a knowledge base answers at once, an LLM token by token). */
export interface Brain {
  answer(question: string, context: BrainContext): AsyncIterable<BrainChunk>;
}

/** Why a brain could not answer; the turn speaks the fallback answer and sends this code. */
export class BrainError extends CodedError<'BRAIN_UNAVAILABLE' | 'BRAIN_TIMEOUT'> {
  constructor(code: 'BRAIN_UNAVAILABLE' | 'BRAIN_TIMEOUT', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BrainError';
  }
}
