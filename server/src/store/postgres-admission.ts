/**
 * Admission on PostgreSQL in one round trip: one call of the dhkit_admit function (migration 9,
 * migrations/postgres-admit-function.ts) confirms the robot copy admission checked, checks the client's
 * once-code lockout, spends the once-code, counts the robot's live leases and inserts the session.
 *
 * The robot copy: admission checks language, origin and media against the robot before the code may be spent,
 * and reading the row for that was a round trip of its own. This process keeps a copy per robot with the row's
 * xmin (which changes with every update), and the function refuses with ROBOT_CHANGED, writing nothing, when
 * the row is no longer that version (an edit through any process); admission then reads it again and checks
 * anew. So the copy is never trusted past the statement that admits.
 *
 * Why an advisory lock per robot and not the robot's row (`SELECT … FOR UPDATE`): the row lock was held
 * across four client round trips, so admissions of one robot queued behind each other's network latency
 * (bench:admission measured 171/s with two processes). Here the lock is a transaction-level advisory lock
 * taken inside the function and released at its commit, so it is held only for the microseconds the
 * function runs; nothing else (robot edits, lease renewal, expiry sweeps) ever waits on it. Slot rows
 * claimed with `FOR UPDATE SKIP LOCKED` were the other candidate; they need a slot table kept in step
 * with every concurrency change and every session end, for no gain at these rates.
 *
 * Exactness under READ COMMITTED: each statement in the function takes a fresh snapshot, and PostgreSQL
 * marks a transaction committed before it releases its locks, so the count taken after the lock sees every
 * session admitted by the previous holder.
 */
import type pg from 'pg';
import type { PostgresLimits } from './postgres-limits.js';
import { robotFromRow, type RobotRow } from './rows.js';
import type { AdmissionRequest, AdmissionResult, AdmissionRobot } from './store.js';

/**
 * A named statement: each pooled connection parses and plans the call once. One call per admission: sending the
 * admissions of one event-loop turn as one statement (group commit, as on SQLite) doubled the rate measured at the
 * store but lowered it over HTTP, with twice the p99, in back-to-back bench:admission runs (docs/scaling.md).
 */
const ADMIT_QUERY = {
  name: 'dhkit-admit-v10',
  text: 'SELECT outcome, retry_after_ms FROM dhkit_admit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
};

/** What dhkit_admit answers. */
interface AdmitRow {
  outcome: string;
  retry_after_ms: string;
}

/** Robots whose copy this process keeps at most; past it the copies start over (each costs one read). */
const MAX_ROBOT_COPIES = 10_000;

type Refusal = Exclude<Extract<AdmissionResult, { ok: false }>, { reason: 'ONCE_CODE_LOCKED' }>['reason'];

export class PostgresAdmission {
  private readonly robots = new Map<string, Required<AdmissionRobot>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: PostgresLimits,
  ) {}

  async robot(id: string, fresh: boolean): Promise<AdmissionRobot | null> {
    const copy = fresh ? undefined : this.robots.get(id);
    if (copy) return copy;
    const { rows } = await this.pool.query<RobotRow & { revision: string }>('SELECT *, xmin::text AS revision FROM robots WHERE id = $1', [
      id,
    ]);
    if (!rows[0]) {
      this.robots.delete(id);
      return null;
    }
    if (this.robots.size >= MAX_ROBOT_COPIES) this.robots.clear();
    const read = { robot: robotFromRow(rows[0]), revision: rows[0].revision };
    this.robots.set(id, read);
    return read;
  }

  /** Drops the copy (this process changed or deleted the robot; other processes' changes the function notices). */
  forget(id: string): void {
    this.robots.delete(id);
  }

  async admit(request: AdmissionRequest): Promise<AdmissionResult> {
    let row: AdmitRow;
    try {
      row = (await this.pool.query<AdmitRow>(ADMIT_QUERY, argumentsOf(request))).rows[0]!;
    } catch (error) {
      // The robot was deleted between the function's lookup and its insert (foreign key violation).
      if ((error as { code?: string }).code === '23503') row = { outcome: 'ROBOT_NOT_FOUND', retry_after_ms: '0' };
      else throw error;
    }
    if (row.outcome === 'OK') return { ok: true };
    // The call counted the failed guess (migration 10), or found the code spent: the sweep counts both, harmlessly.
    if (row.outcome === 'ONCE_CODE_INVALID' && request.lockKey && request.failurePolicy)
      await this.limits.failureRecorded(request.failurePolicy, request.now);
    if (row.outcome === 'ROBOT_NOT_FOUND' || row.outcome === 'ROBOT_CHANGED') this.forget(request.robotId);
    if (row.outcome === 'ONCE_CODE_LOCKED') return { ok: false, reason: 'ONCE_CODE_LOCKED', retryAfterMs: Number(row.retry_after_ms) };
    return { ok: false, reason: row.outcome as Refusal };
  }
}

/** dhkit_admit's arguments, in its order. */
function argumentsOf(request: AdmissionRequest): unknown[] {
  const s = request.session;
  return [
    request.robotId,
    request.robotRevision ?? null,
    request.lockKey ?? null,
    request.codeHash,
    request.now,
    s.id,
    s.tokenHash,
    s.language,
    s.origin,
    s.createdAt,
    s.leaseExpiresAt,
    request.failurePolicy?.maxFailures ?? null,
    request.failurePolicy?.windowMs ?? null,
    request.failurePolicy?.lockMs ?? null,
  ];
}
