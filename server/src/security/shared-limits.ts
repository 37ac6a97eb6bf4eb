/**
 * The once-code lockout and issuance limit over a SharedLimitStore (the database), for several processes
 * sharing PostgreSQL. Same interface shapes as the in-memory FailureLockout and RateLimiter, but async.
 */
import type { SharedLimitStore } from '../store/shared-limits.js';
import type { Store } from '../store/store.js';
import { FailureLockout, RateLimiter, type LockoutPolicy, type RatePolicy } from './rate-limits.js';

/** What admission needs from a lockout; the in-memory FailureLockout fits it too (plain numbers are awaited alike). */
export interface OnceCodeLockout {
  lockedFor(key: string): number | Promise<number>;
  recordFailure(key: string): void | Promise<void>;
  recordSuccess(key: string): void | Promise<void>;
  /**
   * The store the lockout is kept in, if any. Admission hands such a store the key (AdmissionRequest.lockKey), and
   * it checks the lockout and clears failures in the admission's own round trip instead of two more.
   */
  readonly keptIn?: SharedLimitStore;
  /** The policy, where the store counts failures itself (AdmissionRequest.failurePolicy). */
  readonly policy?: LockoutPolicy;
}

/** What once-code issuance needs from a rate limit; the in-memory RateLimiter fits it too. */
export interface IssuanceLimit {
  take(key: string): number | Promise<number>;
}

class StoredFailureLockout implements OnceCodeLockout {
  /** Keys whose last check found failures on record: only their successes cost a DELETE. */
  private readonly withFailures = new Set<string>();

  constructor(
    private readonly store: SharedLimitStore,
    readonly policy: LockoutPolicy,
  ) {}

  get keptIn(): SharedLimitStore {
    return this.store;
  }

  async lockedFor(key: string): Promise<number> {
    const state = await this.store.onceCodeLockState(key, Date.now());
    if (state.hasFailures) {
      if (this.withFailures.size >= 100_000) this.withFailures.clear();
      this.withFailures.add(key);
    } else {
      this.withFailures.delete(key);
    }
    return state.lockedForMs;
  }

  async recordFailure(key: string): Promise<void> {
    await this.store.recordOnceCodeFailure(key, this.policy, Date.now());
  }

  async recordSuccess(key: string): Promise<void> {
    if (!this.withFailures.delete(key)) return;
    await this.store.clearOnceCodeFailures(key, Date.now());
  }
}

class StoredRateLimiter implements IssuanceLimit {
  constructor(
    private readonly store: SharedLimitStore,
    readonly policy: RatePolicy,
  ) {}

  take(key: string): Promise<number> {
    return this.store.takeIssuanceToken(key, this.policy, Date.now());
  }
}

/** The store's shared lockout where it has one (PostgreSQL), else this process's own (SQLite: one process). */
export function onceCodeLockoutFor(store: Store, policy: LockoutPolicy): OnceCodeLockout {
  return store.sharedLimits ? new StoredFailureLockout(store.sharedLimits, policy) : new FailureLockout(policy);
}

/**
 * Failed admin authentications per client address, shared like the once-code lockout (PostgreSQL: the same
 * table, under keys of their own), so a guesser rotating over processes is locked out as fast as on one.
 */
export function adminLockoutFor(store: Store, policy: LockoutPolicy): OnceCodeLockout {
  const lockout = onceCodeLockoutFor(store, policy);
  const key = (address: string) => `admin|${address}`;
  return {
    lockedFor: (address) => lockout.lockedFor(key(address)),
    recordFailure: (address) => lockout.recordFailure(key(address)),
    recordSuccess: (address) => lockout.recordSuccess(key(address)),
  };
}

/** The store's shared issuance limit where it has one (PostgreSQL), else this process's own. */
export function issuanceLimitFor(store: Store, policy: RatePolicy): IssuanceLimit {
  return store.sharedLimits ? new StoredRateLimiter(store.sharedLimits, policy) : new RateLimiter(policy);
}
