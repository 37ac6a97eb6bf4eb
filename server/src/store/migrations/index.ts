/**
 * Numbered schema migrations, applied in order and recorded in `schema_migrations`. SQL is kept to the
 * portable subset (TEXT, INTEGER, BIGINT-sized epoch milliseconds, no SQLite-only types) so the PostgreSQL
 * store can share it with few changes.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE robots (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        config TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE knowledge_entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        robot_id TEXT NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
        language TEXT NOT NULL,
        question TEXT NOT NULL,
        similar_questions TEXT NOT NULL,
        answer TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX knowledge_entries_robot ON knowledge_entries(robot_id);
      CREATE TABLE once_codes (
        code_hash TEXT PRIMARY KEY,
        robot_id TEXT NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
        expires_at BIGINT NOT NULL,
        used_at BIGINT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX once_codes_expiry ON once_codes(expires_at);
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        robot_id TEXT NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,
        language TEXT NOT NULL,
        origin TEXT,
        created_at BIGINT NOT NULL,
        ended_at BIGINT,
        end_reason TEXT
      );
      CREATE INDEX sessions_live ON sessions(robot_id, ended_at);
    `,
  },
  {
    version: 2,
    name: 'session leases',
    // Sessions live from before leases existed get lease 0: already run out, so they hold no slot.
    sql: `
      ALTER TABLE sessions ADD COLUMN lease_expires_at BIGINT NOT NULL DEFAULT 0;
      DROP INDEX sessions_live;
      CREATE INDEX sessions_lease ON sessions(robot_id, lease_expires_at) WHERE ended_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'knowledge tags and question log',
    // Knowledge revisions live in settings ("knowledge-revision:<robotId>"), written with every knowledge change.
    sql: `
      ALTER TABLE knowledge_entries ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      CREATE TABLE questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        robot_id TEXT NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
        session_id TEXT,
        chat_id TEXT,
        language TEXT NOT NULL,
        question TEXT NOT NULL,
        normalized TEXT NOT NULL,
        brain TEXT NOT NULL,
        entry_id BIGINT,
        confidence REAL,
        latency_ms INTEGER,
        answered INTEGER NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX questions_robot_time ON questions(robot_id, created_at);
      CREATE INDEX questions_time ON questions(created_at);
    `,
  },
];
