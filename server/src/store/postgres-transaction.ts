import type pg from 'pg';

/** What `work` returns to roll its transaction back and still hand a value to the caller. */
class RolledBack<T> {
  constructor(readonly value: T) {}
}

/** The value a transaction returns after rolling back. */
export function rollback<T>(value: T): RolledBack<T> {
  return new RolledBack(value);
}

/** Runs `work` in a transaction on a client of `pool`; a returned `rollback(value)` rolls back and still returns the value. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T | RolledBack<T>>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    if (result instanceof RolledBack) {
      await client.query('ROLLBACK');
      return result.value;
    }
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
