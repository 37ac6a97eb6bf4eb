/**
 * Numbered schema migrations, applied in order and recorded in `schema_migrations`. One source for both
 * stores: each migration is written once in the portable subset of SQL (TEXT, INTEGER, BIGINT epoch
 * milliseconds) and rendered per dialect, where only the generated id column and the float type differ.
 * server/test/store-schema.test.ts checks that both rendered schemas agree column by column.
 */
import { ADMIT_FAILURE_FUNCTION_MIGRATION } from './postgres-admit-failure-function.js';
import { ADMIT_FUNCTION_MIGRATION } from './postgres-admit-function.js';
import { ADMIT_MANY_FUNCTION_MIGRATION } from './postgres-admit-many-function.js';
import { LEASE_BOUND_FUNCTIONS, LEASE_BOUND_TABLE } from './postgres-lease-bound-migration.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** What differs between the dialects. */
interface Dialect {
  /** An auto-numbered 64-bit primary key. */
  serialId: string;
  /** A double-precision float. */
  double: string;
  /** SQL that only PostgreSQL runs (functions); SQLite records the version and runs nothing. */
  postgresOnly(sql: string): string;
}

const SQLITE: Dialect = { serialId: 'INTEGER PRIMARY KEY AUTOINCREMENT', double: 'REAL', postgresOnly: () => '-- PostgreSQL only' };
const POSTGRES: Dialect = { serialId: 'BIGSERIAL PRIMARY KEY', double: 'DOUBLE PRECISION', postgresOnly: (sql) => sql };

interface MigrationSource {
  version: number;
  name: string;
  sql(dialect: Dialect): string;
}

const SOURCES: readonly MigrationSource[] = [
  {
    version: 1,
    name: 'initial',
    sql: (d) => `
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
        id ${d.serialId},
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
    sql: () => `
      ALTER TABLE sessions ADD COLUMN lease_expires_at BIGINT NOT NULL DEFAULT 0;
      DROP INDEX sessions_live;
      CREATE INDEX sessions_lease ON sessions(robot_id, lease_expires_at) WHERE ended_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'knowledge tags and question log',
    // Knowledge revisions live in settings ("knowledge-revision:<robotId>"), written with every knowledge change.
    sql: (d) => `
      ALTER TABLE knowledge_entries ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      CREATE TABLE questions (
        id ${d.serialId},
        robot_id TEXT NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
        session_id TEXT,
        chat_id TEXT,
        language TEXT NOT NULL,
        question TEXT NOT NULL,
        normalized TEXT NOT NULL,
        brain TEXT NOT NULL,
        entry_id BIGINT,
        confidence ${d.double},
        latency_ms INTEGER,
        answered INTEGER NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX questions_robot_time ON questions(robot_id, created_at);
      CREATE INDEX questions_time ON questions(created_at);
    `,
  },
  {
    version: 4,
    name: 'once-code limits shared by all processes',
    // Used by the PostgreSQL store, where several processes must see one lockout and one issuance budget;
    // SQLite (one process) keeps them in memory, but the schema stays the same on both.
    sql: (d) => `
      CREATE TABLE once_code_failures (
        lock_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start BIGINT NOT NULL,
        locked_until BIGINT NOT NULL
      );
      CREATE INDEX once_code_failures_age ON once_code_failures(window_start);
      CREATE TABLE once_code_issuance (
        bucket_key TEXT PRIMARY KEY,
        tokens ${d.double} NOT NULL,
        refilled_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'learned questions and document sources',
    // resolved_entry_id: the entry an admin attached an unanswered question to (it leaves the unanswered list).
    // source_document/source_key: where an imported document's entry came from, so a re-import updates it.
    sql: () => `
      ALTER TABLE questions ADD COLUMN resolved_entry_id BIGINT;
      ALTER TABLE knowledge_entries ADD COLUMN source_document TEXT;
      ALTER TABLE knowledge_entries ADD COLUMN source_key TEXT;
      CREATE INDEX knowledge_entries_source ON knowledge_entries(robot_id, source_document);
    `,
  },
  {
    version: 6,
    name: 'audit log',
    // No foreign key on robot_id: what was done to a robot stays on record after the robot is deleted.
    sql: (d) => `
      CREATE TABLE audit_log (
        id ${d.serialId},
        created_at BIGINT NOT NULL,
        action TEXT NOT NULL,
        method TEXT NOT NULL,
        route TEXT NOT NULL,
        robot_id TEXT,
        target TEXT,
        status INTEGER NOT NULL,
        details TEXT NOT NULL
      );
      CREATE INDEX audit_log_robot ON audit_log(robot_id, id);
    `,
  },
  {
    version: 7,
    name: 'knowledge embedding vectors',
    // Keyed by the text they were made of (a hash), not by entry: an edit re-embeds only the texts that
    // changed, and re-importing the same entries costs no request. The vector is base64 of little-endian
    // float32, so both dialects store it as TEXT.
    sql: () => `
      CREATE TABLE knowledge_vectors (
        robot_id TEXT NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
        model_key TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector TEXT NOT NULL,
        PRIMARY KEY (robot_id, model_key, text_hash)
      );
    `,
  },
  {
    version: 8,
    name: 'turn stages',
    // JSON of the milliseconds from a question's arrival to each stage of its turn (store/slow-turns.ts), so the
    // console can list the slowest turns with where their time went. NULL for questions logged before.
    sql: () => `
      ALTER TABLE questions ADD COLUMN stages TEXT;
      CREATE INDEX questions_robot_latency ON questions(robot_id, latency_ms);
    `,
  },
  {
    version: 9,
    name: 'admission in one round trip',
    // PostgreSQL's admission function, now also checking the robot copy and the once-code lockout
    // (migrations/postgres-admit-function.ts). SQLite admits in process: nothing to create.
    sql: (d) => d.postgresOnly(ADMIT_FUNCTION_MIGRATION),
  },
  {
    version: 10,
    name: 'failed guess counted in the admission call',
    // A dhkit_admit overload that also counts a failed guess for the lockout (migrations/postgres-admit-failure-function.ts).
    sql: (d) => d.postgresOnly(ADMIT_FAILURE_FUNCTION_MIGRATION),
  },
  {
    version: 11,
    name: 'admissions of one event-loop turn in one statement',
    // dhkit_admit_many (migrations/postgres-admit-many-function.ts); SQLite groups its admissions in process.
    sql: (d) => d.postgresOnly(ADMIT_MANY_FUNCTION_MIGRATION),
  },
  {
    version: 12,
    name: 'live leases bounded without counting',
    // robot_lease_bounds and both admission functions through it (migrations/postgres-lease-bound-migration.ts).
    // SQLite counts in process, once per batch: it gets the table only, so both stores keep one schema.
    sql: (d) => LEASE_BOUND_TABLE + d.postgresOnly(LEASE_BOUND_FUNCTIONS),
  },
];

function render(dialect: Dialect): readonly Migration[] {
  return SOURCES.map(({ version, name, sql }) => ({ version, name, sql: sql(dialect) }));
}

/** The SQLite migrations. */
export const MIGRATIONS: readonly Migration[] = render(SQLITE);
export const POSTGRES_MIGRATIONS: readonly Migration[] = render(POSTGRES);
