/**
 * The once-code lockout and issuance limit kept in the database, for stores shared by several processes
 * (PostgreSQL): a guesser who spreads attempts over processes meets one count, and an operator's issuance
 * limit means the same with N processes as with one. The semantics are those of the in-memory limits in
 * security/rate-limits.ts; the policies are passed in as plain numbers (the store imports no policy code).
 */
export interface StoredLockoutPolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export interface StoredRatePolicy {
  perSecond: number;
  burst: number;
}

export interface SharedLimitStore {
  /** Milliseconds the key stays locked (0 when not), and whether failures are on record for it. */
  onceCodeLockState(key: string, now: number): Promise<{ lockedForMs: number; hasFailures: boolean }>;
  /** Counts one failure; the failure that reaches maxFailures within the window locks the key for lockMs. */
  recordOnceCodeFailure(key: string, policy: StoredLockoutPolicy, now: number): Promise<void>;
  /** Clears the key's failures, not a running lockout. */
  clearOnceCodeFailures(key: string, now: number): Promise<void>;
  /** Takes one token from the key's bucket: 0 when allowed, else the milliseconds until one is available. */
  takeIssuanceToken(key: string, policy: StoredRatePolicy, now: number): Promise<number>;
}
