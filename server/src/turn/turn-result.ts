import type { ErrorCode, TurnEndMessage } from '@dhkit/protocol';

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
