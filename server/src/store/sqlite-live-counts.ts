/**
 * A robot's limit and live leases as one SQLite admission batch sees them. The count (the robot's live sessions,
 * read through the lease index: up to `concurrency` entries) is read once per robot per batch and then carried
 * forward: the batch holds the database's write lock, so only its own admissions add sessions (each adds one here),
 * and leases only lapse as time goes on, so the figure stays exact or above the truth. It is read afresh when it
 * reaches the limit (a lapsed lease may have freed a slot) and for an admission whose clock is earlier than the
 * count's (a lease may have lapsed between the two).
 */
import type Database from 'better-sqlite3';

export interface RobotSlots {
  concurrency: number | null;
  live: number;
}

interface Counted extends RobotSlots {
  /** The clock the live figure was counted at. */
  at: number;
}

export class LiveCounts {
  private readonly counted = new Map<string, Counted>();

  /** `read`: args (now, robotId) → the robot's concurrency and live count, or nothing for an unknown robot. */
  constructor(private readonly read: Database.Statement<[number, string], RobotSlots>) {}

  /** The robot's slots at `now` (its `live` is the one to increment after an admission), or null: no such robot. */
  of(robotId: string, now: number): RobotSlots | null {
    const kept = this.counted.get(robotId);
    if (kept && now >= kept.at && (typeof kept.concurrency !== 'number' || kept.live < kept.concurrency)) return kept;
    const row = this.read.get(now, robotId);
    if (!row) return null;
    const counted = { concurrency: row.concurrency, live: row.live, at: now };
    this.counted.set(robotId, counted);
    return counted;
  }

  /** At the start of each batch: other writers may have run since the last one. */
  clear(): void {
    this.counted.clear();
  }
}
