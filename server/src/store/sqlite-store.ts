import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Robot } from '@dhkit/protocol';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { changeSqliteKnowledge } from './sqlite-knowledge-change.js';
import type { SqlRunner } from './sql-runner.js';
import { SqlStore } from './sql-store.js';
import { encodeVector } from './vector-encoding.js';
import { KNOWLEDGE_REVISION_PREFIX, knowledgeValues, newRevision, robotFromRow, type RobotRow } from './rows.js';
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
import { AdmissionRefusal, SqliteAdmissionBatch } from './sqlite-admission-batch.js';
import { LiveCounts } from './sqlite-live-counts.js';

export const SQLITE_FILE_NAME = 'dhkit.sqlite';
/** Robots whose parsed copy is kept at most; past it the copies start over. */
const MAX_PARSED_ROBOTS = 10_000;

function sameRobotRow(a: RobotRow, b: RobotRow): boolean {
  return a.config === b.config && a.name === b.name && a.updated_at === b.updated_at && a.created_at === b.created_at;
}

/** SQLite store in `<dataDir>/dhkit.sqlite`, WAL mode so the CLI can mint codes while the server runs. */
export class SqliteStore extends SqlStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly admissions: SqliteAdmissionBatch;
  /** The SQL shared with the PostgreSQL store (audit log, analytics). */
  protected readonly sql: SqlRunner = {
    all: async <R>(sql: string, args: unknown[]) => this.prepared(sql).all(...args) as R[],
    run: async (sql: string, args: unknown[]) => this.prepared(sql).run(...args).changes,
  };
  /** The shared SQL's statements, each prepared once (preparing is most of a small query's cost). */
  private readonly preparedStatements = new Map<string, Database.Statement>();
  /** Robots as last parsed for admission, with the row they were parsed from. */
  private readonly parsedRobots = new Map<string, { row: RobotRow; robot: Robot }>();

  static open(dataDir: string): SqliteStore {
    fs.mkdirSync(dataDir, { recursive: true });
    return new SqliteStore(path.join(dataDir, SQLITE_FILE_NAME));
  }

  constructor(file: string, migrations: readonly Migration[] = MIGRATIONS) {
    super();
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    applyMigrations(this.db, migrations);
    const db = this.db;
    this.statements = prepareStatements(db);
    const s = this.statements;
    // One admission's statements; SqliteAdmissionBatch runs it inside its batch's IMMEDIATE transaction (as a
    // savepoint), so other processes opening the same file (the CLI) cannot interleave. A refusal after the code is
    // consumed throws, which rolls the savepoint back. A robot's limit and live count are read once per batch
    // (LiveCounts): nothing else writes while the batch holds the write lock, so the count plus the admissions since
    // is exact, or an upper bound once leases lapse with time.
    const counts = new LiveCounts(s.robotSlots);
    const admitOne = db.transaction((request: AdmissionRequest) => {
      const slots = counts.of(request.robotId, request.now);
      if (!slots) throw new AdmissionRefusal('ROBOT_NOT_FOUND');
      const consumed = s.consumeOnceCode.run(request.now, request.codeHash, request.robotId, request.now);
      if (consumed.changes !== 1) throw new AdmissionRefusal('ONCE_CODE_INVALID');
      if (typeof slots.concurrency === 'number' && slots.live >= slots.concurrency) throw new AdmissionRefusal('CONCURRENCY_LIMIT');
      const session = request.session;
      s.insertSession.run(
        session.id,
        session.robotId,
        session.tokenHash,
        session.language,
        session.origin,
        session.createdAt,
        session.leaseExpiresAt,
      );
      slots.live++;
    });
    this.admissions = new SqliteAdmissionBatch(db, admitOne, () => counts.clear());
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.preparedStatements.get(sql);
    if (!statement) this.preparedStatements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.admissions.flush();
    this.db.close();
  }

  async createRobot(robot: Robot): Promise<void> {
    const { id, name, createdAt, updatedAt, ...config } = robot;
    try {
      this.statements.insertRobot.run(id, name, JSON.stringify(config), createdAt, updatedAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateRobotError(id);
      throw error;
    }
  }

  protected async writeKnowledge(robotId: string, entries: KnowledgeEntryInput[], replace: boolean): Promise<number> {
    const now = new Date().toISOString();
    const s = this.statements;
    this.db
      .transaction(() => {
        if (replace) s.deleteAllKnowledge.run(robotId);
        for (const entry of entries) {
          s.insertKnowledge.run(robotId, ...knowledgeValues(entry), now);
        }
        this.bumpRevision(robotId);
      })
      .immediate();
    return entries.length;
  }

  private bumpRevision(robotId: string): void {
    this.statements.setSetting.run(KNOWLEDGE_REVISION_PREFIX + robotId, newRevision());
  }

  async updateKnowledgeEntry(robotId: string, id: number, entry: KnowledgeEntryInput): Promise<KnowledgeEntry | null> {
    const s = this.statements;
    const changed = this.db
      .transaction(() => {
        const result = s.updateKnowledge.run(...knowledgeValues(entry), robotId, id);
        if (result.changes === 1) this.bumpRevision(robotId);
        return result.changes === 1;
      })
      .immediate();
    return changed ? this.getKnowledgeEntry(robotId, id) : null;
  }

  async deleteKnowledgeEntry(robotId: string, id: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        const deleted = this.statements.deleteKnowledge.run(robotId, id).changes === 1;
        if (deleted) this.bumpRevision(robotId);
        return deleted;
      })
      .immediate();
  }

  async changeKnowledge(robotId: string, change: KnowledgeChange): Promise<KnowledgeChangeResult | null> {
    return changeSqliteKnowledge(this.db, robotId, change, () => this.bumpRevision(robotId));
  }

  async saveKnowledgeVectors(robotId: string, modelKey: string, vectors: ReadonlyMap<string, Float32Array>): Promise<void> {
    const s = this.statements;
    this.db
      .transaction(() => {
        s.deleteVectors.run(robotId, modelKey);
        for (const [textHash, vector] of vectors) s.insertVector.run(robotId, modelKey, textHash, encodeVector(vector));
      })
      .immediate();
  }

  /**
   * The robot read each time (another process, the CLI, may have changed it), but parsed only when its row differs
   * from the one last parsed: building the robot from its JSON was most of the read's cost. The copy is shared by
   * the admissions and sessions of that version, as the PostgreSQL store's copies are.
   */
  override async admissionRobot(id: string, _fresh: boolean): Promise<AdmissionRobot | null> {
    const row = this.statements.getRobot.get(id);
    if (!row) {
      this.parsedRobots.delete(id);
      return null;
    }
    const kept = this.parsedRobots.get(id);
    if (kept && sameRobotRow(kept.row, row)) return { robot: kept.robot };
    if (this.parsedRobots.size >= MAX_PARSED_ROBOTS) this.parsedRobots.clear();
    const robot = robotFromRow(row);
    this.parsedRobots.set(id, { row, robot });
    return { robot };
  }

  admitSession(request: AdmissionRequest): Promise<AdmissionResult> {
    return this.admissions.admit(request);
  }

  async renewLeases(ids: readonly string[], leaseExpiresAt: number, now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.statements.renewLeases.all(leaseExpiresAt, JSON.stringify(ids), now).map((row) => row.id);
  }

  async retakeLease(id: string, robotId: string, leaseExpiresAt: number, now: number): Promise<boolean> {
    // An IMMEDIATE transaction, as admission: the count and the update cannot interleave with another writer.
    const retake = this.db.transaction(() => {
      const robot = this.statements.getRobot.get(robotId);
      if (!robot) return false;
      const concurrency = (JSON.parse(robot.config) as Robot).concurrency;
      const others = this.db
        .prepare<[string, number, string], { n: number }>(
          'SELECT COUNT(*) AS n FROM sessions WHERE robot_id = ? AND ended_at IS NULL AND lease_expires_at > ? AND id <> ?',
        )
        .get(robotId, now, id)!.n;
      if (others >= concurrency) return false;
      const taken = this.db
        // A session only the lapsed-lease sweep ended is live again; any other end stands.
        .prepare(
          `UPDATE sessions SET lease_expires_at = ?, ended_at = NULL, end_reason = NULL
            WHERE id = ? AND robot_id = ? AND (ended_at IS NULL OR end_reason = 'LEASE_EXPIRED')`,
        )
        .run(leaseExpiresAt, id, robotId);
      return taken.changes === 1;
    });
    return retake.immediate();
  }

  async endSession(id: string, reason: string, now: number): Promise<boolean> {
    return this.statements.endSession.run(now, reason, id).changes === 1;
  }

  async expireLeases(now: number): Promise<number> {
    return this.statements.expireLeases.run(now).changes;
  }
}

/** Every statement the store runs, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    insertRobot: db.prepare('INSERT INTO robots (id, name, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
    getRobot: db.prepare<[string], RobotRow>('SELECT * FROM robots WHERE id = ?'),
    insertKnowledge: db.prepare(
      'INSERT INTO knowledge_entries (robot_id, language, question, similar_questions, answer, tags, created_at) VALUES (?, ?, ' +
        '?, ?, ?, ?, ?)',
    ),
    updateKnowledge: db.prepare(
      'UPDATE knowledge_entries SET language = ?, question = ?, similar_questions = ?, answer = ?, tags = ? WHERE robot_id = ? AND id = ?',
    ),
    deleteKnowledge: db.prepare('DELETE FROM knowledge_entries WHERE robot_id = ? AND id = ?'),
    deleteAllKnowledge: db.prepare('DELETE FROM knowledge_entries WHERE robot_id = ?'),
    deleteVectors: db.prepare('DELETE FROM knowledge_vectors WHERE robot_id = ? AND model_key = ?'),
    insertVector: db.prepare(
      'INSERT INTO knowledge_vectors (robot_id, model_key, text_hash, vector) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (robot_id, model_key, text_hash) DO UPDATE SET vector = excluded.vector',
    ),
    consumeOnceCode: db.prepare(
      'UPDATE once_codes SET used_at = ? WHERE code_hash = ? AND robot_id = ? AND used_at IS NULL AND expires_at > ?',
    ),
    robotSlots: db.prepare<[number, string], { concurrency: number | null; live: number }>(
      "SELECT json_extract(config, '$.concurrency') AS concurrency, " +
        '(SELECT COUNT(*) FROM sessions WHERE robot_id = robots.id AND ended_at IS NULL AND lease_expires_at > ?) AS live ' +
        'FROM robots WHERE id = ?',
    ),
    insertSession: db.prepare(
      'INSERT INTO sessions (id, robot_id, token_hash, language, origin, created_at, lease_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    endSession: db.prepare('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL'),
    renewLeases: db.prepare<[number, string, number], { id: string }>(
      'UPDATE sessions SET lease_expires_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND ended_at IS NULL AND ' +
        'lease_expires_at > ? RETURNING id',
    ),
    expireLeases: db.prepare(
      "UPDATE sessions SET ended_at = lease_expires_at, end_reason = 'LEASE_EXPIRED' WHERE ended_at IS NULL AND lease_expires_at <= ?",
    ),
  };
}

/** Applies the migrations newer than the recorded version, each in its own transaction. */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((row) => row.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const newlyApplied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
