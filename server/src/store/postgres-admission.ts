/**
 * Admission on PostgreSQL in one round trip: one call of the dhkit_admit function (migration 9,
 * migrations/postgres-admit-function.ts) confirms the robot copy admission checked, checks the client's
 * once-code lockout, spends the once-code, counts the robot's live leases and inserts the session. The admissions
 * queued in one event-loop turn share one call of dhkit_admit_many (migration 11; postgres-admission-batch.ts).
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
 * taken inside the function and released at its commit, so it is held only while the function runs (a
 * batch holds its robots' locks until it commits); nothing else (robot edits, lease renewal, expiry sweeps) ever waits on it. Slot rows
 * claimed with `FOR UPDATE SKIP LOCKED` were the other candidate; they need a slot table kept in step
 * with every concurrency change and every session end, for no gain at these rates.
 *
 * Exactness under READ COMMITTED: each statement in the function takes a fresh snapshot, and PostgreSQL
 * marks a transaction committed before it releases its locks, so the count taken after the lock sees every
 * session admitted by the previous holder.
 */
import type pg from 'pg';
import { PostgresAdmissionBatch, type AdmitRow } from './postgres-admission-batch.js';
import type { PostgresLimits } from './postgres-limits.js';
import { robotFromRow, type RobotRow } from './rows.js';
import type { AdmissionRequest, AdmissionResult, AdmissionRobot } from './store.js';

/** Named statements: each pooled connection parses and plans them once. */
const ADMIT_QUERY = {
  name: 'dhkit-admit-v10',
  text: 'SELECT outcome, retry_after_ms FROM dhkit_admit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
};
const ADMIT_MANY_QUERY = {
  name: 'dhkit-admit-many-v11',
  text: 'SELECT admission, outcome, retry_after_ms FROM dhkit_admit_many($1::jsonb)',
};

/** Robots whose copy this process keeps at most; past it the copies start over (each costs one read). */
const MAX_ROBOT_COPIES = 10_000;

type Refusal = Exclude<Extract<AdmissionResult, { ok: false }>, { reason: 'ONCE_CODE_LOCKED' }>['reason'];

export class PostgresAdmission {
  private readonly robots = new Map<string, Required<AdmissionRobot>>();
  private readonly batch: PostgresAdmissionBatch;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: PostgresLimits,
  ) {
    this.batch = new PostgresAdmissionBatch({ one: (request) => this.admitOne(request), many: (requests) => this.admitMany(requests) });
  }

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
    const row = await this.batch.admit(request);
    if (row.outcome === 'OK') return { ok: true };
    // The call counted the failed guess (migration 10), or found the code spent: the sweep counts both, harmlessly.
    if (row.outcome === 'ONCE_CODE_INVALID' && request.lockKey && request.failurePolicy)
      await this.limits.failureRecorded(request.failurePolicy, request.now);
    if (row.outcome === 'ROBOT_NOT_FOUND' || row.outcome === 'ROBOT_CHANGED') this.forget(request.robotId);
    if (row.outcome === 'ONCE_CODE_LOCKED') return { ok: false, reason: 'ONCE_CODE_LOCKED', retryAfterMs: Number(row.retry_after_ms) };
    return { ok: false, reason: row.outcome as Refusal };
  }

  /** One admission alone: one dhkit_admit call. */
  private async admitOne(request: AdmissionRequest): Promise<AdmitRow> {
    try {
      return (await this.pool.query<AdmitRow>(ADMIT_QUERY, argumentsOf(request))).rows[0]!;
    } catch (error) {
      // The robot was deleted between the function's lookup and its insert (foreign key violation).
      if ((error as { code?: string }).code === '23503') return { outcome: 'ROBOT_NOT_FOUND', retry_after_ms: '0' };
      throw error;
    }
  }

  /** Several in one dhkit_admit_many call; its rows name each admission by its place in the input. */
  private async admitMany(requests: readonly AdmissionRequest[]): Promise<AdmitRow[]> {
    const input = JSON.stringify(requests.map((request, i) => recordOf(request, i)));
    const { rows } = await this.pool.query<AdmitRow & { admission: number }>(ADMIT_MANY_QUERY, [input]);
    const answers: Array<AdmitRow | undefined> = requests.map(() => undefined);
    for (const row of rows) answers[row.admission] = row;
    if (rows.length !== requests.length || answers.includes(undefined)) throw new Error('dhkit_admit_many: an admission went unanswered');
    return answers as AdmitRow[];
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

/** One admission as dhkit_admit_many reads it (jsonb_to_recordset: keys are its column names). */
function recordOf(request: AdmissionRequest, i: number): Record<string, unknown> {
  const s = request.session;
  return {
    i,
    robot_id: request.robotId,
    revision: request.robotRevision ?? null,
    lock_key: request.lockKey ?? null,
    code_hash: request.codeHash,
    now: request.now,
    session_id: s.id,
    token_hash: s.tokenHash,
    language: s.language,
    origin: s.origin,
    created_at: s.createdAt,
    lease_expires_at: s.leaseExpiresAt,
    max_failures: request.failurePolicy?.maxFailures ?? null,
    window_ms: request.failurePolicy?.windowMs ?? null,
    lock_ms: request.failurePolicy?.lockMs ?? null,
  };
}
