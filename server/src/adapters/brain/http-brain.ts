/**
 * What the HTTP brains (openai, webhook) share: one AbortController per request that the visitor's
 * interruption, the first-token/idle timeout and the total-duration limit all abort, and the mapping of
 * every failure to a BrainError the turn can report.
 */
import { BrainError } from './brain.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** No answer streams longer than this, however steadily it trickles (an endless stream is cut). */
export const DEFAULT_MAX_DURATION_MS = 120_000;
/** Largest JSON reply read into memory. */
const MAX_JSON_BYTES = 1 << 20;

export class BrainRequest {
  readonly controller = new AbortController();
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly totalTimer: NodeJS.Timeout;
  private readonly onOuterAbort: () => void;

  constructor(
    private readonly outer: AbortSignal,
    private readonly timeoutMs: number,
    maxDurationMs: number,
    private readonly what: string,
  ) {
    this.onOuterAbort = () => this.controller.abort(outer.reason);
    if (outer.aborted) this.controller.abort(outer.reason);
    else outer.addEventListener('abort', this.onOuterAbort, { once: true });
    this.totalTimer = setTimeout(
      () => this.controller.abort(new BrainError('BRAIN_UNAVAILABLE', `${what} streamed for more than ${maxDurationMs} ms; cut.`)),
      maxDurationMs,
    );
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the visitor interrupted (not a fault). */
  get interrupted(): boolean {
    return this.outer.aborted;
  }

  /** Restarts the wait for the next token. */
  touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.controller.abort(new BrainError('BRAIN_TIMEOUT', `${this.what} sent nothing for ${this.timeoutMs} ms.`)),
      this.timeoutMs,
    );
  }

  /** The BrainError for whatever went wrong. */
  toBrainError(error: unknown): BrainError {
    const reason = this.controller.signal.reason;
    if (this.controller.signal.aborted && reason instanceof BrainError) return reason;
    if (error instanceof BrainError) return error;
    const detail = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return new BrainError('BRAIN_UNAVAILABLE', `${this.what} failed: ${detail}`, { cause: error });
  }

  /** Stops timers and closes the connection (if it is still open). */
  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
    this.outer.removeEventListener('abort', this.onOuterAbort);
    if (!this.controller.signal.aborted) this.controller.abort();
  }
}

/** The response body as bytes; the caller's for-await ends when the connection ends. */
export function bodyOf(response: Response): AsyncIterable<Uint8Array> {
  if (!response.body) return (async function* () {})();
  return response.body as unknown as AsyncIterable<Uint8Array>;
}

/** Reads a whole JSON body (bounded), touching the idle timer on every chunk. */
export async function readJson(response: Response, request: BrainRequest, what: string): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyOf(response)) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent more than ${MAX_JSON_BYTES} bytes.`);
    chunks.push(chunk);
    request.touch();
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent malformed JSON.`);
  }
}

/** `https://host/path` without credentials or query, for error messages and logs. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Cancels a body we will not read, so the connection is released. */
async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // already closed
  }
}

/** How a brain answered: one JSON reply or an event stream. An error status or any other content type is a BrainError. */
export async function replyFormat(response: Response, what: string): Promise<'json' | 'sse'> {
  if (!response.ok) {
    await discardBody(response);
    throw new BrainError('BRAIN_UNAVAILABLE', `${what} answered HTTP ${response.status}.`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return 'json';
  if (type.includes('text/event-stream')) return 'sse';
  await discardBody(response);
  throw new BrainError('BRAIN_UNAVAILABLE', `${what} answered with content type "${type}".`);
}
