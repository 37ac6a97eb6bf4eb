import pg from 'pg';
import type { Robot } from '@dhkit/protocol';
import { POSTGRES_MIGRATIONS, type Migration } from './migrations/index.js';
import { applyPostgresMigrations } from './postgres-migrations.js';
import { inTransaction, rollback } from './postgres-transaction.js';
import { PostgresAdmission } from './postgres-admission.js';
import { PostgresLimits } from './postgres-limits.js';
import { numberedPlaceholders } from './question-analytics.js';
import { changePostgresKnowledge } from './postgres-knowledge-change.js';
import type { SqlRunner } from './sql-runner.js';
import { SET_SETTING_SQL, SqlStore } from './sql-store.js';
import { encodeVector } from './vector-encoding.js';
import { KNOWLEDGE_REVISION_PREFIX, knowledgeFromRow, knowledgeValues, newRevision, type KnowledgeRow } from './rows.js';
import {
  DuplicateRobotError,
  type AdmissionRequest,
  type AdmissionResult,
  type AdmissionRobot,
  type KnowledgeChange,
  type KnowledgeChangeResult,
  type KnowledgeEntry,
  type KnowledgeEntryInput,
  type Store,
} from './store.js';

const SET_SETTING = numberedPlaceholders(SET_SETTING_SQL);

/**
 * PostgreSQL store (`DHKIT_DATABASE_URL=postgres://…`), for several server processes sharing one database.
 * Admission is one call of the dhkit_admit function (postgres-admission.ts): one round trip, serialised per
 * robot by an advisory lock held only while the function runs; different robots do not wait for each other. The
 * admissions of one event-loop turn go as one dhkit_admit_many call (postgres-admission-batch.ts).
 * The robot admission checks comes from this process's copy, which the same call confirms is current.
 */
export class PostgresStore extends SqlStore implements Store {
  readonly kind = 'postgres';
  readonly sharedLimits: PostgresLimits;
  private readonly admission: PostgresAdmission;

  /** The SQL shared with the SQLite store (audit log, analytics), its `?` placeholders numbered. */
  protected readonly sql: SqlRunner = {
    all: async <R>(sql: string, args: unknown[]) => (await this.pool.query(numberedPlaceholders(sql), args)).rows as R[],
    run: async (sql: string, args: unknown[]) => (await this.pool.query(numberedPlaceholders(sql), args)).rowCount ?? 0,
  };

  private constructor(private readonly pool: pg.Pool) {
    super();
    this.sharedLimits = new PostgresLimits(pool);
    this.admission = new PostgresAdmission(pool, this.sharedLimits);
  }

  static async connect(
    connectionString: string,
    options: { maxConnections?: number; migrations?: readonly Migration[] } = {},
  ): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString, max: Math.max(1, Math.floor(options.maxConnections ?? 10)) });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await applyPostgresMigrations(pool, options.migrations ?? POSTGRES_MIGRATIONS);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async createRobot(robot: Robot): Promise<void> {
    const { id, name, createdAt, updatedAt, ...config } = robot;
    try {
      await this.pool.query('INSERT INTO robots (id, name, config, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)', [
        id,
        name,
        JSON.stringify(config),
        createdAt,
        updatedAt,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new DuplicateRobotError(id);
      throw error;
    }
  }

  override async updateRobot(robot: Robot): Promise<boolean> {
    this.admission.forget(robot.id);
    return super.updateRobot(robot);
  }

  protected async writeKnowledge(robotId: string, entries: KnowledgeEntryInput[], replace: boolean): Promise<number> {
    const now = new Date().toISOString();
    await inTransaction(this.pool, async (client) => {
      if (replace) await client.query('DELETE FROM knowledge_entries WHERE robot_id = $1', [robotId]);
      // In chunks: one statement per 500 entries instead of one per entry.
      for (let start = 0; start < entries.length; start += 500) {
        const chunk = entries.slice(start, start + 500);
        const values: unknown[] = [];
        const tuples = chunk.map((entry, i) => {
          values.push(robotId, ...knowledgeValues(entry), now);
          const b = i * 7;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
        });
        await client.query(
          `INSERT INTO knowledge_entries (robot_id, language, question, similar_questions, answer, tags, created_at) ` +
            `VALUES ${tuples.join(', ')}`,
          values,
        );
      }
      await client.query(SET_SETTING, [KNOWLEDGE_REVISION_PREFIX + robotId, newRevision()]);
    });
    return entries.length;
  }

  async updateKnowledgeEntry(robotId: string, id: number, entry: KnowledgeEntryInput): Promise<KnowledgeEntry | null> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<KnowledgeRow>(
        'UPDATE knowledge_entries SET language = $1, question = $2, similar_questions = $3, answer = $4, tags = $5 WHERE ' +
          'robot_id = $6 AND id = $7 RETURNING *',
        [...knowledgeValues(entry), robotId, id],
      );
      if (!rows[0]) return null;
      await client.query(SET_SETTING, [KNOWLEDGE_REVISION_PREFIX + robotId, newRevision()]);
      return knowledgeFromRow(rows[0]);
    });
  }

  async deleteKnowledgeEntry(robotId: string, id: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const result = await client.query('DELETE FROM knowledge_entries WHERE robot_id = $1 AND id = $2', [robotId, id]);
      if (result.rowCount !== 1) return false;
      await client.query(SET_SETTING, [KNOWLEDGE_REVISION_PREFIX + robotId, newRevision()]);
      return true;
    });
  }

  async changeKnowledge(robotId: string, change: KnowledgeChange): Promise<KnowledgeChangeResult | null> {
    return inTransaction(this.pool, async (client) => {
      const result = await changePostgresKnowledge(client, robotId, change);
      if (!result) return rollback(null);
      await client.query(SET_SETTING, [KNOWLEDGE_REVISION_PREFIX + robotId, newRevision()]);
      return result;
    });
  }

  async saveKnowledgeVectors(robotId: string, modelKey: string, vectors: ReadonlyMap<string, Float32Array>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM knowledge_vectors WHERE robot_id = $1 AND model_key = $2', [robotId, modelKey]);
      const hashes = [...vectors.keys()];
      // One statement per 500 rows: a knowledge base of thousands of questions is a few round trips.
      for (let start = 0; start < hashes.length; start += 500) {
        const batch = hashes.slice(start, start + 500);
        const values = batch.flatMap((hash) => [robotId, modelKey, hash, encodeVector(vectors.get(hash)!)]);
        const rows = batch.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`).join(', ');
        const insert = `INSERT INTO knowledge_vectors (robot_id, model_key, text_hash, vector) VALUES ${rows}`;
        await client.query(`${insert} ON CONFLICT (robot_id, model_key, text_hash) DO UPDATE SET vector = excluded.vector`, values);
      }
    });
  }

  override admissionRobot(id: string, fresh: boolean): Promise<AdmissionRobot | null> {
    return this.admission.robot(id, fresh);
  }

  admitSession(request: AdmissionRequest): Promise<AdmissionResult> {
    return this.admission.admit(request);
  }

  override async deleteRobot(id: string): Promise<boolean> {
    this.admission.forget(id);
    return super.deleteRobot(id);
  }

  async renewLeases(ids: readonly string[], leaseExpiresAt: number, now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      'UPDATE sessions SET lease_expires_at = $1 WHERE id = ANY($2::text[]) AND ended_at IS NULL AND lease_expires_at > $3 RETURNING id',
      [leaseExpiresAt, ids, now],
    );
    return rows.map((row) => row.id);
  }

  async retakeLease(id: string, robotId: string, leaseExpiresAt: number, now: number): Promise<boolean> {
    return inTransaction<boolean>(this.pool, async (client) => {
      // The same advisory lock as dhkit_admit (postgres-admission.ts): a re-taken lease and a new admission never
      // both get the last slot. (A row lock here would not exclude the function, which takes no row lock.)
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('dhkit-admission:' || $1, 0))", [robotId]);
      const robot = await client.query<{ config: string }>('SELECT config FROM robots WHERE id = $1', [robotId]);
      if (!robot.rows[0]) return false;
      const concurrency = (JSON.parse(robot.rows[0].config) as Robot).concurrency;
      const live = await client.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM sessions WHERE robot_id = $1 AND ended_at IS NULL AND lease_expires_at > $2 AND id <> $3',
        [robotId, now, id],
      );
      if (Number(live.rows[0].n) >= concurrency) return false;
      // A session the lapsed-lease sweep marked ended (any process may sweep once the database is back) is
      // live again; one ended for any other reason (kicked, bye, robot deleted) stays ended.
      const taken = await client.query(
        `UPDATE sessions SET lease_expires_at = $1, ended_at = NULL, end_reason = NULL
          WHERE id = $2 AND robot_id = $3 AND (ended_at IS NULL OR end_reason = 'LEASE_EXPIRED')`,
        [leaseExpiresAt, id, robotId],
      );
      if (taken.rowCount !== 1) return false;
      // A lease taken back is a session not ended again: the robot's bound of those (migration 12) must cover it.
      await client.query('UPDATE robot_lease_bounds SET bound = bound + 1 WHERE robot_id = $1', [robotId]);
      return true;
    });
  }

  async endSession(id: string, reason: string, now: number): Promise<boolean> {
    const result = await this.pool.query('UPDATE sessions SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at IS NULL', [
      now,
      reason,
      id,
    ]);
    return result.rowCount === 1;
  }

  /**
   * Every process sweeps, each on its renewal timer. SKIP LOCKED: a sweep never waits for a row another process
   * is writing (a renewal, an end, another sweep) and holds up none of them; admissions never touch the rows it
   * writes (they count live leases and insert). It reads the partial lease index, which holds live sessions only.
   */
  async expireLeases(now: number): Promise<number> {
    const result = await this.pool.query(
      `UPDATE sessions SET ended_at = lease_expires_at, end_reason = 'LEASE_EXPIRED'
        WHERE id IN (SELECT id FROM sessions WHERE ended_at IS NULL AND lease_expires_at <= $1 FOR UPDATE SKIP LOCKED)
          AND ended_at IS NULL`,
      [now],
    );
    return result.rowCount ?? 0;
  }
}
