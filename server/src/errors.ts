/**
 * The server's one error base class. Every error our own code raises on purpose carries a code from the
 * catalog in @dhkit/protocol (its HTTP status, its messages); http/error-handler.ts turns any of them into
 * the response, and the channel sends the same code to the visitor.
 */
import { ERROR_CATALOG, errorMessage, type ErrorCode } from '@dhkit/protocol';

export interface CodedErrorOptions {
  /** Sent as Retry-After (rounded up to seconds) when the error ends a request. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class CodedError<Code extends ErrorCode = ErrorCode> extends Error {
  readonly retryAfterMs?: number;

  constructor(
    readonly code: Code,
    message?: string,
    options: CodedErrorOptions = {},
  ) {
    super(message ?? errorMessage(code), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
}
