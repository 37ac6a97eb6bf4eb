import type { AuditEntry, QuestionAnalytics, Robot, SlowTurn, UnansweredQuestion } from '@dhkit/protocol';
import { readAuditEntries, writeAuditEntry, type AuditEntryInput, type AuditQuery } from './audit-log.js';
import { LIVE_SESSION_PAGE_SQL, runLeasesByRobot, type PageQuery } from './live-leases.js';
import { ANALYTICS_SQL, runAnalytics, runUnansweredQuestions } from './question-analytics.js';
import {
  KNOWLEDGE_REVISION_PREFIX,
  knowledgeFromRow,
  questionValues,
  revisionsFromRows,
  robotFromRow,
  sessionFromRow,
  type KnowledgeRow,
  type RobotRow,
  type SessionRow,
} from './rows.js';
import { runSlowestTurns, type SlowTurnsQuery } from './slow-turns.js';
import type { SqlRunner } from './sql-runner.js';
import type {
  AdmissionRobot,
  AnalyticsQuery,
  KnowledgeEntry,
  KnowledgeEntryInput,
  KnowledgePage,
  KnowledgePageQuery,
  OnceCodeRecord,
  QuestionRecordInput,
  SessionRecord,
  UnansweredQuery,
} from './store.js';
import { vectorsFromRows } from './vector-encoding.js';

/** What the knowledge table's search looks in (the lists are stored as JSON text, which holds their items as typed). */
const KNOWLEDGE_SEARCHED_COLUMNS = ['question', 'similar_questions', 'answer', 'tags'];

/** Sets a setting, replacing its value (the knowledge revisions are settings too). */
export const SET_SETTING_SQL = 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

/**
 * What the SQLite and the PostgreSQL store do alike: the statements that read the same in both dialects, written
 * once with `?` placeholders and run through the store's SqlRunner, and the mapping of their rows (the live-lease
 * reads too: a page of sessions, the leases per robot). Each store adds what differs: opening and migrating,
 * transactions and bulk writes, admission and lease renewal.
 */
export abstract class SqlStore {
  /** The store's way to run the shared SQL. */
  protected abstract readonly sql: SqlRunner;

  /** Appends (or, with `replace`, replaces a robot's knowledge with) these entries in one transaction. */
  protected abstract writeKnowledge(robotId: string, entries: KnowledgeEntryInput[], replace: boolean): Promise<number>;

  async getSetting(key: string): Promise<string | null> {
    const [row] = await this.sql.all<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    return row?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.sql.run(SET_SETTING_SQL, [key, value]);
  }

  async getRobot(id: string): Promise<Robot | null> {
    const [row] = await this.sql.all<RobotRow>('SELECT * FROM robots WHERE id = ?', [id]);
    return row ? robotFromRow(row) : null;
  }

  /** The robot read each time (the PostgreSQL store overrides this with its checked copies). */
  async admissionRobot(id: string, _fresh: boolean): Promise<AdmissionRobot | null> {
    const robot = await this.getRobot(id);
    return robot ? { robot } : null;
  }

  async listRobots(): Promise<Robot[]> {
    return (await this.sql.all<RobotRow>('SELECT * FROM robots ORDER BY created_at, id', [])).map(robotFromRow);
  }

  async updateRobot(robot: Robot): Promise<boolean> {
    const { id, name, createdAt: _createdAt, updatedAt, ...config } = robot;
    const changed = await this.sql.run('UPDATE robots SET name = ?, config = ?, updated_at = ? WHERE id = ?', [
      name,
      JSON.stringify(config),
      updatedAt,
      id,
    ]);
    return changed === 1;
  }

  async deleteRobot(id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM robots WHERE id = ?', [id])) === 1;
  }

  async addKnowledge(robotId: string, entries: KnowledgeEntryInput[]): Promise<number> {
    return this.writeKnowledge(robotId, entries, false);
  }

  async replaceKnowledge(robotId: string, entries: KnowledgeEntryInput[]): Promise<number> {
    return this.writeKnowledge(robotId, entries, true);
  }

  async listKnowledge(robotId: string): Promise<KnowledgeEntry[]> {
    return (await this.sql.all<KnowledgeRow>('SELECT * FROM knowledge_entries WHERE robot_id = ? ORDER BY id', [robotId])).map(
      knowledgeFromRow,
    );
  }

  async knowledgePage(robotId: string, page: KnowledgePageQuery): Promise<KnowledgePage> {
    const query = page.query?.trim().toLowerCase();
    // Plain text, not a pattern: the operator's % and _ (and the escape character itself) match only themselves.
    const pattern = query ? `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const where = pattern
      ? `robot_id = ? AND (${KNOWLEDGE_SEARCHED_COLUMNS.map((column) => `LOWER(${column}) LIKE ? ESCAPE '\\'`).join(' OR ')})`
      : 'robot_id = ?';
    const params = pattern ? [robotId, ...KNOWLEDGE_SEARCHED_COLUMNS.map(() => pattern)] : [robotId];
    const [count] = await this.sql.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM knowledge_entries WHERE ${where}`, params);
    const rows = await this.sql.all<KnowledgeRow>(`SELECT * FROM knowledge_entries WHERE ${where} ORDER BY id LIMIT ? OFFSET ?`, [
      ...params,
      page.limit,
      page.offset,
    ]);
    return { entries: rows.map(knowledgeFromRow), total: Number(count?.n ?? 0) };
  }

  async getKnowledgeEntry(robotId: string, id: number): Promise<KnowledgeEntry | null> {
    const [row] = await this.sql.all<KnowledgeRow>('SELECT * FROM knowledge_entries WHERE robot_id = ? AND id = ?', [robotId, id]);
    return row ? knowledgeFromRow(row) : null;
  }

  async knowledgeRevisions(): Promise<Map<string, string>> {
    const rows = await this.sql.all<{ key: string; value: string }>('SELECT key, value FROM settings WHERE key LIKE ?', [
      `${KNOWLEDGE_REVISION_PREFIX}%`,
    ]);
    return revisionsFromRows(rows);
  }

  async knowledgeVectors(robotId: string, modelKey: string): Promise<Map<string, Float32Array>> {
    const rows = await this.sql.all<{ text_hash: string; vector: string }>(
      'SELECT text_hash, vector FROM knowledge_vectors WHERE robot_id = ? AND model_key = ?',
      [robotId, modelKey],
    );
    return vectorsFromRows(rows);
  }

  async recordQuestion(record: QuestionRecordInput): Promise<void> {
    await this.sql.run(ANALYTICS_SQL.insert, questionValues(record));
  }

  async questionAnalytics(robotId: string, query: AnalyticsQuery): Promise<QuestionAnalytics> {
    return runAnalytics(robotId, query, this.sql.all);
  }

  async unansweredQuestions(robotId: string, query: UnansweredQuery): Promise<UnansweredQuestion[]> {
    return runUnansweredQuestions(robotId, query, this.sql.all);
  }

  async slowestTurns(robotId: string, query: SlowTurnsQuery): Promise<SlowTurn[]> {
    return runSlowestTurns(robotId, query, this.sql.all);
  }

  async pruneQuestions(before: number): Promise<number> {
    return this.sql.run(ANALYTICS_SQL.prune, [before]);
  }

  async recordAudit(entry: AuditEntryInput): Promise<void> {
    await writeAuditEntry(this.sql, entry);
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return readAuditEntries(this.sql, query);
  }

  async createOnceCode(code: OnceCodeRecord): Promise<void> {
    const now = Date.now();
    // Expired codes are useless; dropping them here keeps the table small without a separate job.
    await this.sql.run('DELETE FROM once_codes WHERE expires_at < ?', [now - 24 * 3600_000]);
    await this.sql.run('INSERT INTO once_codes (code_hash, robot_id, expires_at, created_at) VALUES (?, ?, ?, ?)', [
      code.codeHash,
      code.robotId,
      code.expiresAt,
      now,
    ]);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const [row] = await this.sql.all<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id]);
    return row ? sessionFromRow(row) : null;
  }

  async listLiveSessions(robotId: string, now: number): Promise<SessionRecord[]> {
    return (
      await this.sql.all<SessionRow>(
        'SELECT * FROM sessions WHERE robot_id = ? AND ended_at IS NULL AND lease_expires_at > ? ORDER BY created_at, id',
        [robotId, now],
      )
    ).map(sessionFromRow);
  }

  async countLiveSessions(robotId: string, now: number): Promise<number> {
    const [row] = await this.sql.all<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM sessions WHERE robot_id = ? AND ended_at IS NULL AND lease_expires_at > ?',
      [robotId, now],
    );
    // PostgreSQL's COUNT is a bigint, which pg hands over as a string.
    return Number(row.n);
  }

  async listLiveSessionPage(robotId: string, now: number, { limit, offset }: PageQuery): Promise<SessionRecord[]> {
    return (await this.sql.all<SessionRow>(LIVE_SESSION_PAGE_SQL, [robotId, now, limit, offset])).map(sessionFromRow);
  }

  async liveLeasesByRobot(now: number): Promise<Map<string, number>> {
    return runLeasesByRobot(now, this.sql.all);
  }
}
