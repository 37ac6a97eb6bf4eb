/**
 * Group commit for SQLite admissions. A commit (the WAL append, its file locks, and the pages every admission
 * shares: the sessions table's last leaf, the lease index) costs more than the admission's statements, so the
 * admissions that reach the store in one turn of the event loop are written in one IMMEDIATE transaction, each
 * inside its own savepoint: they run one after another exactly as they would alone (each counts the leases the
 * ones before it took), a refused one rolls back only its own savepoint, and none is answered before the commit.
 * A lone admission waits one event-loop turn (setImmediate) for company; under load a batch holds several.
 */
import type Database from 'better-sqlite3';
import type { AdmissionRequest, AdmissionResult } from './store.js';

/** SQLite checks the lockout in process, so it never answers ONCE_CODE_LOCKED. */
type Refusal = Exclude<Extract<AdmissionResult, { ok: false }>, { reason: 'ONCE_CODE_LOCKED' }>['reason'];

/** Thrown by the one-admission step to roll its savepoint back; the batch turns it into that admission's result. */
export class AdmissionRefusal extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

interface Pending {
  request: AdmissionRequest;
  resolve(result: AdmissionResult): void;
  reject(error: unknown): void;
}

export class SqliteAdmissionBatch {
  private pending: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  /** The batch's IMMEDIATE transaction; each admission inside it is a nested call, hence a savepoint. */
  private readonly writeBatch: (batch: readonly Pending[]) => Array<AdmissionResult | { error: unknown }>;

  /**
   * `admitOne` runs one admission's statements, throwing AdmissionRefusal to refuse (better-sqlite3 transaction);
   * `beginBatch`, inside the batch's transaction before its first admission, lets it drop what it kept per batch.
   */
  constructor(
    db: Database.Database,
    admitOne: Database.Transaction<(request: AdmissionRequest) => void>,
    beginBatch: () => void = () => {},
  ) {
    const batch = db.transaction((items: readonly Pending[]) => {
      beginBatch();
      return items.map((item) => {
        try {
          admitOne(item.request);
          return { ok: true } as const;
        } catch (error) {
          if (error instanceof AdmissionRefusal) return { ok: false, reason: error.reason } as const;
          // Only this admission fails (its savepoint is rolled back); the others still commit.
          return { error };
        }
      });
    });
    this.writeBatch = (items) => batch.immediate(items);
  }

  admit(request: AdmissionRequest): Promise<AdmissionResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes what is queued now (also called before the database closes, so no admission is left unanswered). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const items = this.pending;
    this.pending = [];
    if (items.length === 0) return;
    let results: Array<AdmissionResult | { error: unknown }>;
    try {
      results = this.writeBatch(items);
    } catch (error) {
      // The transaction itself failed (the database is busy past busy_timeout, or gone): nothing was written.
      for (const item of items) item.reject(error);
      return;
    }
    results.forEach((result, i) => {
      if ('error' in result) items[i]!.reject(result.error);
      else items[i]!.resolve(result);
    });
  }
}
