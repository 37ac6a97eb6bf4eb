import { ERROR_CATALOG, errorMessage, isErrorCode, type ErrorCode, type LanguageCode } from '@dhkit/protocol';

/**
 * The one error class of the SDK. `code` is always a code of the shared catalog (packages/protocol), so
 * callers can switch on it; `message` is human-readable; `cause` keeps the underlying error, if any.
 */
export class DHKitError extends Error {
  readonly code: ErrorCode;
  /** The MetaStudio code for users migrating from the reference SDK, when one exists. */
  readonly compat?: string;
  /** When the server said how long to wait before trying again (its Retry-After), in ms. */
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message ?? errorMessage(code), options);
    this.name = 'DHKitError';
    this.code = code;
    const compat = (ERROR_CATALOG[code] as { compat?: string }).compat;
    if (compat) this.compat = compat;
    this.retryAfterMs = options?.retryAfterMs;
    // Error's `cause` option is in every engine the SDK runs on (they all have Object.hasOwn, which is younger).
  }

  /** The catalog's message for `code`, in `language` (default en_US). */
  static fromCode(code: ErrorCode, language?: LanguageCode, cause?: unknown): DHKitError {
    return new DHKitError(code, errorMessage(code, language), cause === undefined ? undefined : { cause });
  }

  /**
   * From a server error body `{"error": {"code", "message"}}`. A body that is not one (HTML from a proxy,
   * an unknown code, nothing at all) gives a code that fits the HTTP status, so no answer goes unexplained.
   * `retryAfterMs` is the answer's Retry-After, when it had one.
   */
  static fromServer(json: unknown, fallbackStatus?: number, retryAfterMs?: number): DHKitError {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (error && isErrorCode(error.code)) {
      const message = typeof error.message === 'string' && error.message ? error.message : errorMessage(error.code);
      return new DHKitError(error.code, message, { cause: json, retryAfterMs });
    }
    const code = codeForStatus(fallbackStatus);
    const status = fallbackStatus === undefined ? '' : ` (HTTP ${fallbackStatus})`;
    return new DHKitError(code, `${errorMessage(code)}${status}`, { cause: json, retryAfterMs });
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * A file the SDK fetched answered with HTTP `status`: the code that fits the status, the message naming `what`.
 * A function rather than a static method, so the headless core, which fetches no such file, leaves it out.
 */
export function httpStatusError(status: number, what: string): DHKitError {
  return new DHKitError(codeForStatus(status), `${what}: HTTP ${status}`);
}

function codeForStatus(status: number | undefined): ErrorCode {
  if (status === undefined) return 'INTERNAL_ERROR';
  if (status === 400) return 'INVALID_REQUEST';
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 410) return 'SESSION_ENDED';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429 || status === 503) return 'SERVER_BUSY';
  if (status >= 502 && status <= 504) return 'NETWORK_ERROR';
  return 'INTERNAL_ERROR';
}

/**
 * Wraps anything thrown into a DHKitError (kept as-is when it already is one). A DHKitError of another copy
 * of the class (a lazy chunk bundles its own) keeps its code and message.
 */
export function toDHKitError(error: unknown, fallback: ErrorCode = 'INTERNAL_ERROR'): DHKitError {
  if (error instanceof DHKitError) return error;
  const other = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (other?.name === 'DHKitError' && isErrorCode(other.code)) return new DHKitError(other.code, String(other.message), { cause: error });
  return DHKitError.fromCode(fallback, undefined, error);
}
