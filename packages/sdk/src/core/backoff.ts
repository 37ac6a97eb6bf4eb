/** Retry delays for reaching a server that is down or busy. */
export interface BackoffOptions {
  /** The first delay (ms). */
  initialMs: number;
  /** The longest delay (ms); a server's Retry-After may ask for more and gets it. */
  maxMs: number;
}

/**
 * The delay before try number `attempt` (0 first): doubling from `initialMs` to `maxMs`, with ±20 % jitter so
 * a hall full of kiosks that lost the server together do not all knock again in the same second. A server's
 * Retry-After wins when it asks for longer.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, retryAfterMs?: number, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** attempt);
  return Math.max(Math.round(base * (0.8 + 0.4 * random())), retryAfterMs ?? 0);
}

/** Counts the tries of `backoffDelay()` until a success resets it. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next try; counts the try. */
  next(retryAfterMs?: number, random: () => number = Math.random): number {
    return backoffDelay(this.attempt++, this.options, retryAfterMs, random);
  }

  /** Tries made since the last success. */
  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
