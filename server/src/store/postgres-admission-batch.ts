/**
 * Group commit for PostgreSQL admissions: the admissions a process has queued in one turn of its event loop go to the
 * database as one statement, `dhkit_admit_many` (migration 11), each decided exactly as alone (one answer each, a
 * refusal refuses only that one). A lone admission is one `dhkit_admit` call, as before: batching costs it nothing.
 *
 * Why: an admission's CPU was mostly per statement and per wake-up, not per row: the pg driver's message handling and
 * the pool in the server, the backend's statement start, plan and commit and the wake-ups of both sides,
 * once per admission. A batch pays those once. The robot's row is read and its live leases counted once per batch too.
 *
 * One statement per process is out at a time; what arrives meanwhile waits for the next one, so batches grow with the
 * load instead of the number of statements. Under load (admissions waiting when an answer comes) the next statement
 * leaves GATHER_MS after the answer instead of at the end of that turn: the visitors whose admissions were just answered
 * are sent their responses in that turn, and the requests that follow them (a burst's next pages) join the statement
 * instead of waiting for the one after. When a batch fails as a whole (the robot was
 * deleted under an insert, a deadlock with a lockout sweep, a lost connection) it wrote nothing, and each of its
 * admissions is sent again alone, so one admission's error is never another's.
 */
import type { AdmissionRequest } from './store.js';

/** What the database answered for one admission. */
export interface AdmitRow {
  outcome: string;
  retry_after_ms: string;
}

/** Admissions in one statement at most (a bound on the time the batch holds its robots' advisory locks). */
const MAX_BATCH = 64;
/**
 * One statement out at a time, and a short gather after an answer when admissions wait. With two statements in flight
 * and no gather, a statement carried 3.1–3.2 admissions in bench:admission (8 requests in flight per process); one in
 * flight with the gather, 3.9–4.1, and the database's CPU is per statement, not per admission (docs/benchmarks.md,
 * "Admission on PostgreSQL: fewer statements"). The gather adds at most this to an admission under load, never to a lone one.
 */
const GATHER_MS = 1;

interface Pending {
  request: AdmissionRequest;
  resolve(row: AdmitRow): void;
  reject(error: unknown): void;
}

export interface AdmitStatements {
  /** One admission alone (dhkit_admit). */
  one(request: AdmissionRequest): Promise<AdmitRow>;
  /** Several in one statement (dhkit_admit_many): one row per request, in the requests' order. */
  many(requests: readonly AdmissionRequest[]): Promise<AdmitRow[]>;
}

export class PostgresAdmissionBatch {
  private pending: Pending[] = [];
  private scheduled = false;
  private inFlight = false;

  constructor(private readonly statements: AdmitStatements) {}

  admit(request: AdmissionRequest): Promise<AdmitRow> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Sends what is queued when no statement is out: at the end of this event-loop turn, or GATHER_MS after an answer
   * (`afterAnswer`) that found admissions waiting.
   */
  private schedule(afterAnswer = false): void {
    if (this.scheduled || this.inFlight || this.pending.length === 0) return;
    this.scheduled = true;
    const sendQueued = () => {
      this.scheduled = false;
      const items = this.pending.splice(0, MAX_BATCH);
      this.inFlight = true;
      void this.send(items).finally(() => {
        this.inFlight = false;
        this.schedule(true);
      });
    };
    if (afterAnswer) setTimeout(sendQueued, GATHER_MS);
    else setImmediate(sendQueued);
  }

  private async send(items: readonly Pending[]): Promise<void> {
    if (items.length > 1) {
      let rows: AdmitRow[] | null = null;
      try {
        rows = await this.statements.many(items.map((item) => item.request));
      } catch {
        // Nothing was written: each goes again alone below, with its own answer or error.
      }
      if (rows) {
        items.forEach((item, i) => item.resolve(rows[i]!));
        return;
      }
    }
    await Promise.all(
      items.map((item) =>
        this.statements.one(item.request).then(
          (row) => item.resolve(row),
          (error) => item.reject(error),
        ),
      ),
    );
  }
}
