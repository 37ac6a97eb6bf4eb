/**
 * The two stores render one migration source (src/store/migrations/index.ts); their schemas must agree
 * column by column: same tables, same columns in the same order, same nullability, same defaults, and
 * types that hold the same values (SQLite's INTEGER and REAL are PostgreSQL's integer kinds and double).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, POSTGRES_MIGRATIONS } from '../src/store/migrations/index.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { applyMigrations } from '../src/store/sqlite-store.js';
import { tempDir } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

interface Column {
  table: string;
  column: string;
  type: 'text' | 'integer' | 'float';
  notNull: boolean;
  /** The default as written, quotes and casts removed; null when none (a generated id counts as none). */
  default: string | null;
  primaryKey: boolean;
}

function typeClass(declared: string): Column['type'] {
  const type = declared.toLowerCase();
  if (type === 'text') return 'text';
  if (['integer', 'bigint'].includes(type)) return 'integer';
  if (['real', 'double precision'].includes(type)) return 'float';
  throw new Error(`unexpected column type ${declared}`);
}

function plainDefault(value: string | null): string | null {
  if (value === null || value.startsWith('nextval(')) return null;
  return value.replace(/::[a-z ]+$/, '').replace(/^'(.*)'$/, '$1');
}

function sqliteColumns(): Column[] {
  const db = new Database(path.join(tempDir(), 'schema.sqlite'));
  applyMigrations(db, MIGRATIONS);
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((row) => row.name);
  const columns = tables.flatMap((table) =>
    db
      .prepare<[], { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(`PRAGMA table_info(${table})`)
      .all()
      .map((c) => ({
        table,
        column: c.name,
        type: typeClass(c.type),
        // A primary key is NOT NULL in PostgreSQL whatever it says; SQLite only enforces it for INTEGER keys.
        notNull: c.notnull === 1 || c.pk > 0,
        default: plainDefault(c.dflt_value),
        primaryKey: c.pk > 0,
      })),
  );
  db.close();
  return columns;
}

async function postgresColumns(url: string): Promise<Column[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
      primary_key: boolean;
    }>(`
      SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default,
             EXISTS (
               SELECT 1 FROM information_schema.table_constraints t
               JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name, table_name)
               WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_name = c.table_name AND k.column_name = c.column_name
             ) AS primary_key
      FROM information_schema.columns c
      WHERE c.table_schema = 'public'
      ORDER BY c.table_name, c.ordinal_position`);
    return rows.map((c) => ({
      table: c.table_name,
      column: c.column_name,
      type: typeClass(c.data_type),
      notNull: c.is_nullable === 'NO',
      default: plainDefault(c.column_default),
      primaryKey: c.primary_key,
    }));
  } finally {
    await client.end();
  }
}

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => cluster?.stop());

describe('store schema', () => {
  it('both dialects render the same migrations, versions and names', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('SQLite and PostgreSQL end up with equal schemas, column by column', async () => {
    const url = await cluster.createDatabase();
    await (await PostgresStore.connect(url)).close();
    const sqlite = sqliteColumns();
    const postgres = await postgresColumns(url);
    expect(sqlite.map((c) => c.table)).toContain('questions');
    expect(postgres).toEqual(sqlite);
  });
});
