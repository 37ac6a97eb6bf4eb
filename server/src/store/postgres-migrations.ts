import type pg from 'pg';
import type { Migration } from './migrations/index.js';

/** Any constant: the advisory lock that keeps two processes from migrating the same database at once. */
const MIGRATION_LOCK_KEY = 4_242_017;

/** Applies the migrations newer than the recorded version, under an advisory lock (several processes may start at once). */
export async function applyPostgresMigrations(
  pool: pg.Pool,
  migrations: readonly Migration[],
  /** Idempotent definitions (CREATE OR REPLACE) run after the migrations, under the same lock. */
  definitions: readonly string[] = [],
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const newlyApplied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      newlyApplied.push(migration.version);
    }
    for (const definition of definitions) await client.query(definition);
    return newlyApplied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}
