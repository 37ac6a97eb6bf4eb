/**
 * Analytics rows that were not written are counted, never lost silently: a session over its cap
 * (MAX_QUESTION_RECORDS_PER_SESSION) or a store that failed (a database outage). The count is logged at 1, 2,
 * 4, 8, … drops, so a long outage or flood costs a handful of log lines, not one per question.
 */
import type { FastifyBaseLogger } from 'fastify';

export type AnalyticsDropReason = 'sessionCap' | 'storeError';

export class AnalyticsDrops {
  private readonly counts: Record<AnalyticsDropReason, number> = { sessionCap: 0, storeError: 0 };

  constructor(private readonly log: FastifyBaseLogger) {}

  note(reason: AnalyticsDropReason, error?: unknown): void {
    const count = ++this.counts[reason];
    if ((count & (count - 1)) === 0) {
      this.log.warn({ reason, dropped: count, ...(error ? { err: error } : {}) }, 'analytics rows dropped');
    }
  }

  /** Rows dropped so far, per reason. */
  get totals(): Readonly<Record<AnalyticsDropReason, number>> {
    return { ...this.counts };
  }
}
