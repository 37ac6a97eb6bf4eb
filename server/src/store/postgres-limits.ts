/** SharedLimitStore on PostgreSQL: each operation is one statement, atomic per key across processes. */
import type pg from 'pg';
import type { SharedLimitStore, StoredLockoutPolicy, StoredRatePolicy } from './shared-limits.js';

export class PostgresLimits implements SharedLimitStore {
  private failuresSinceSweep = 0;
  /** Issuance buckets whose row this process knows exists (keys are robot ids: few). */
  private readonly bucketsKnown = new Set<string>();

  constructor(private readonly pool: pg.Pool) {}

  async onceCodeLockState(key: string, now: number): Promise<{ lockedForMs: number; hasFailures: boolean }> {
    const { rows } = await this.pool.query<{ locked_until: string; failures: number }>(
      'SELECT locked_until, failures FROM once_code_failures WHERE lock_key = $1',
      [key],
    );
    if (!rows[0]) return { lockedForMs: 0, hasFailures: false };
    return { lockedForMs: Math.max(0, Number(rows[0].locked_until) - now), hasFailures: rows[0].failures > 0 };
  }

  async recordOnceCodeFailure(key: string, policy: StoredLockoutPolicy, now: number): Promise<void> {
    // One statement, the rules of dhkit_admit's (migration 10): the failure that reaches the limit locks the key
    // and starts a fresh count.
    await this.pool.query(
      `INSERT INTO once_code_failures AS f (lock_key, failures, window_start, locked_until)
         VALUES ($1, CASE WHEN $3::integer <= 1 THEN 0 ELSE 1 END, $2::bigint, CASE WHEN $3::integer <= 1 THEN $2::bigint + ` +
        `$5::bigint ELSE 0 END)
       ON CONFLICT (lock_key) DO UPDATE SET
         failures = CASE WHEN dhkit_failures_now(f.failures, f.window_start, $2, $4) >= $3::integer THEN 0
                         ELSE dhkit_failures_now(f.failures, f.window_start, $2, $4) END,
         window_start = CASE WHEN dhkit_failures_now(f.failures, f.window_start, $2, $4) >= $3::integer
                               OR $2::bigint - f.window_start > $4::bigint THEN $2::bigint ELSE f.window_start END,
         locked_until = CASE WHEN dhkit_failures_now(f.failures, f.window_start, $2, $4) >= $3::integer
                             THEN $2::bigint + $5::bigint ELSE f.locked_until END`,
      [key, now, policy.maxFailures, policy.windowMs, policy.lockMs],
    );
    await this.failureRecorded(policy, now);
  }

  /**
   * Called after each failure counted (here or by dhkit_admit): rows of keys that stopped failing long ago are
   * dropped once per 1,000 failures, so a flood of addresses cannot fill the table.
   */
  async failureRecorded(policy: StoredLockoutPolicy, now: number): Promise<void> {
    if (++this.failuresSinceSweep < 1000) return;
    this.failuresSinceSweep = 0;
    await this.pool.query('DELETE FROM once_code_failures WHERE locked_until < $1 AND window_start < $2', [now, now - policy.windowMs]);
  }

  async clearOnceCodeFailures(key: string, now: number): Promise<void> {
    await this.pool.query('DELETE FROM once_code_failures WHERE lock_key = $1 AND locked_until <= $2', [key, now]);
  }

  async takeIssuanceToken(key: string, policy: StoredRatePolicy, now: number): Promise<number> {
    await this.ensureBucket(key, policy, now);
    // Refill, then take a token only when a whole one is there. The bucket's row exists, so FOR UPDATE locks it
    // and concurrent takes (any process) go one after the other, each reading what the one before left. The upsert
    // stays for a row removed behind this process's back (a table emptied by hand): it counts from a full bucket.
    const { rows } = await this.pool.query<{ tokens: number; taken: boolean }>(
      `WITH refilled AS (
         SELECT LEAST($3::double precision, COALESCE(
           (SELECT tokens + GREATEST(0, $2 - refilled_at) / 1000.0 * $4 FROM once_code_issuance WHERE bucket_key = $1 FOR UPDATE),
           $3::double precision)) AS tokens
       )
       INSERT INTO once_code_issuance AS b (bucket_key, tokens, refilled_at)
         SELECT $1, CASE WHEN tokens >= 1 THEN tokens - 1 ELSE tokens END, $2 FROM refilled
       ON CONFLICT (bucket_key) DO UPDATE SET tokens = excluded.tokens, refilled_at = GREATEST(b.refilled_at, excluded.refilled_at)
       RETURNING tokens, (SELECT tokens >= 1 FROM refilled) AS taken`,
      [key, now, policy.burst, policy.perSecond],
    );
    if (rows[0].taken) return 0;
    return Math.ceil(((1 - rows[0].tokens) / policy.perSecond) * 1000);
  }

  /**
   * Creates a bucket's row, full, before its first take. Without it, the first concurrent takes of a new key all
   * found no row to lock, each counted from a full bucket, and all were granted (24 of a burst of 10 in the test).
   * Rows are never deleted, so each process asks once per key.
   */
  private async ensureBucket(key: string, policy: StoredRatePolicy, now: number): Promise<void> {
    if (this.bucketsKnown.has(key)) return;
    await this.pool.query(
      'INSERT INTO once_code_issuance (bucket_key, tokens, refilled_at) VALUES ($1, $2, $3) ON CONFLICT (bucket_key) DO NOTHING',
      [key, policy.burst, now],
    );
    if (this.bucketsKnown.size >= 100_000) this.bucketsKnown.clear();
    this.bucketsKnown.add(key);
  }
}
