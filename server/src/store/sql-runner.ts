/**
 * How code shared by both stores runs its SQL: written once with `?` placeholders (SQLite's); the PostgreSQL
 * store numbers them (`numberedPlaceholders`) before they reach the database.
 */
export interface SqlRunner {
  /** The rows a query returns. */
  all<R>(sql: string, args: unknown[]): Promise<R[]>;
  /** Runs a statement that returns no rows; resolves with how many rows it changed. */
  run(sql: string, args: unknown[]): Promise<number>;
}
