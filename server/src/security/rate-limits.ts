/**
 * In-memory limits of one process: the once-code failure lockout and the issuance rate limit, used with
 * SQLite (one process). Where several processes share PostgreSQL, shared-limits.ts keeps the same
 * semantics in the database, so spreading attempts over processes gains nothing.
 */

export interface LockoutPolicy {
  /** Failures within `windowMs` that lock a client out. */
  maxFailures: number;
  windowMs: number;
  /** How long the lockout lasts. */
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 10, windowMs: 60_000, lockMs: 5 * 60_000 };

/** Counts failures per key (client address + robot); too many in a window locks the key for a while. */
export class FailureLockout {
  private readonly entries = new Map<string, { failures: number; windowStart: number; lockedUntil: number }>();

  constructor(
    readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
    /** Keys kept at most; the oldest are dropped first, so a flood of addresses cannot exhaust memory. */
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds the key stays locked, or 0. */
  lockedFor(key: string, now = Date.now()): number {
    const entry = this.entries.get(key);
    return entry && entry.lockedUntil > now ? entry.lockedUntil - now : 0;
  }

  recordFailure(key: string, now = Date.now()): void {
    let entry = this.entries.get(key);
    if (!entry || now - entry.windowStart > this.policy.windowMs) {
      this.entries.delete(key);
      if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
      entry = { failures: 0, windowStart: now, lockedUntil: entry?.lockedUntil ?? 0 };
      this.entries.set(key, entry);
    }
    entry.failures++;
    if (entry.failures >= this.policy.maxFailures) {
      entry.lockedUntil = now + this.policy.lockMs;
      entry.failures = 0;
      entry.windowStart = now;
    }
  }

  /** A success clears the failures (not a running lockout). */
  recordSuccess(key: string): void {
    const entry = this.entries.get(key);
    if (entry && entry.lockedUntil <= Date.now()) this.entries.delete(key);
  }
}

export interface RatePolicy {
  /** Sustained rate, per second. */
  perSecond: number;
  /** Bucket size: how many may come at once after a quiet period. */
  burst: number;
}

export const DEFAULT_ONCE_CODE_RATE: RatePolicy = { perSecond: 100, burst: 1000 };

/** Token buckets per key. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly policy: RatePolicy = DEFAULT_ONCE_CODE_RATE) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string, now = Date.now()): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= 100_000) this.buckets.clear();
      bucket = { tokens: this.policy.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.policy.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.policy.perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.policy.perSecond) * 1000);
  }
}
