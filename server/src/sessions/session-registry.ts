/**
 * Live sessions of this process by id, so admin routes can reach a session's channel. It runs the timers (a sweep
 * every second over the sessions whose next deadline has come, kept in a DeadlineQueue) and keeps the store's
 * leases of its sessions fresh (one batched write per renewal interval, not one per ping).
 */
import type { FastifyBaseLogger } from 'fastify';
import { randomSecret } from '../security/secrets.js';
import type { Store } from '../store/store.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { EndCause } from './end-cause.js';
import type { LiveSession } from './live-session.js';
import type { SessionServices } from './session-services.js';
import { expiredCause, type SessionTimeouts } from './session-timeouts.js';

/** Lease renewals are written this many sessions at a time. */
const RENEWAL_BATCH = 1000;

export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  /** When each session must be looked at next (its first possible expiry or end mention). */
  private readonly deadlines = new DeadlineQueue<LiveSession>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly renewer: NodeJS.Timeout;
  private renewing: Promise<void> | null = null;
  /** When lease renewal started failing (the store is unreachable); null while it works. */
  private storeDownSince: number | null = null;

  constructor(
    private readonly timeouts: SessionTimeouts,
    private readonly store: Store,
    private readonly log: FastifyBaseLogger,
    sweepIntervalMs = Math.min(1000, Math.max(100, Math.floor(timeouts.leaseTtlMs / 10))),
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
    this.renewer = setInterval(() => void this.renewLeases(), this.renewIntervalMs);
    this.renewer.unref();
  }

  /** A third of the lease TTL: a lease is renewed at least twice before it could run out. */
  get renewIntervalMs(): number {
    return Math.max(100, Math.floor(this.timeouts.leaseTtlMs / 3));
  }

  get size(): number {
    return this.sessions.size;
  }

  add(session: LiveSession): void {
    this.sessions.set(session.id, session);
    this.reschedule(session);
  }

  /** What a session tells its registry (SessionServices): that it ended, that its channel opened. */
  sessionHooks(): Pick<SessionServices, 'onEnded' | 'onDeadlineEarlier'> {
    return { onEnded: (session) => this.remove(session), onDeadlineEarlier: (session) => this.reschedule(session) };
  }

  /** The session's next deadline may have come earlier (its channel opened): the sweep looks at it then. */
  reschedule(session: LiveSession): void {
    if (this.sessions.get(session.id) === session) this.deadlines.schedule(session, session.nextCheckAt);
  }

  get(id: string): LiveSession | undefined {
    return this.sessions.get(id);
  }

  /** This process's live sessions. */
  all(): LiveSession[] {
    return [...this.sessions.values()];
  }

  /** This process's live sessions of one robot. */
  ofRobot(robotId: string): LiveSession[] {
    return [...this.sessions.values()].filter((session) => session.robot.id === robotId);
  }

  remove(session: LiveSession): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.deadlines.delete(session);
  }

  /**
   * Ends sessions whose channel never opened, whose pings stopped, that idled or ran too long; announces near ends.
   * Looks only at the sessions whose deadline has come: activity since only moved a deadline later, so one that
   * is not over yet is scheduled again at its new deadline. Returns how many sessions it looked at.
   */
  sweep(now = Date.now()): number {
    const due = this.deadlines.takeDue(now);
    for (const session of due) {
      const cause = expiredCause(session, this.timeouts, now);
      if (cause) session.end(cause);
      else {
        session.mentionEnd(now);
        // Never at or before now: a deadline that did not fire (a mention with the channel away) waits a sweep.
        this.deadlines.schedule(session, Math.max(session.nextCheckAt, now + 1));
      }
    }
    return due.length;
  }

  /**
   * Extends the store leases of every session still alive here, in one statement. Sessions the store did not
   * renew were ended elsewhere (kicked through another process, robot deleted) or lost their lease while
   * this process stalled; they end here too.
   */
  renewLeases(now = Date.now()): Promise<void> {
    this.renewing ??= this.renewOnce(now).finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /**
   * How long live sessions outlast an unreachable store (renewing from memory): ten lease TTLs, at least a
   * minute. Past it they end (LEASE_LOST): the process cannot know what the rest of the cluster decided.
   */
  get outageGraceMs(): number {
    return Math.max(60_000, 10 * this.timeouts.leaseTtlMs);
  }

  private async renewOnce(now: number): Promise<void> {
    const alive = [...this.sessions.values()].filter((s) => !s.isEnded);
    try {
      const renewed = new Set<string>();
      for (let start = 0; start < alive.length; start += RENEWAL_BATCH) {
        // Between batches the event loop runs: SQLite writes synchronously, and 20 batches in a row (20,000
        // sessions) held every admission and channel frame behind them (bench:admission's p99).
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        const ids = alive.slice(start, start + RENEWAL_BATCH).map((s) => s.id);
        for (const id of await this.store.renewLeases(ids, now + this.timeouts.leaseTtlMs, now)) renewed.add(id);
      }
      const recovering = this.storeDownSince !== null;
      for (const session of alive) {
        if (renewed.has(session.id) || session.isEnded) continue;
        // Back from an outage: a lease that lapsed meanwhile is taken back if its robot still has the slot.
        if (recovering && (await this.store.retakeLease(session.id, session.robot.id, now + this.timeouts.leaseTtlMs, now))) continue;
        const record = await this.store.getSession(session.id);
        const cause: EndCause = !record ? 'ROBOT_DELETED' : record.endReason === 'KICKED' ? 'KICKED' : 'LEASE_LOST';
        session.end(cause, { storeAlreadyEnded: record?.endedAt != null || !record });
      }
      if (recovering) this.log.warn({ downMs: now - this.storeDownSince! }, 'store reachable again; leases reconciled');
      this.storeDownSince = null;
      await this.store.expireLeases(now);
    } catch (error) {
      this.storeDownSince ??= now;
      this.log.error({ err: error }, 'could not renew session leases');
      // Sessions live on from memory (their heartbeats are checked here), up to the outage bound.
      if (now - this.storeDownSince > this.outageGraceMs) {
        for (const session of alive) session.end('LEASE_LOST', { storeAlreadyEnded: true });
      }
    }
  }

  /**
   * Ends every session here and resolves once the store has them ended: a worker leaving a cluster hands its
   * leases back at once (other processes can admit into the slots), instead of the store closing under
   * end()'s unawaited writes and the slots waiting for their leases to run out.
   */
  async closeAll(cause: EndCause): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.renewer);
    const sessions = [...this.sessions.values()];
    for (const session of sessions) session.end(cause);
    // A second end is a no-op in the store (only a live session is ended), so these only wait for the first.
    await Promise.all(sessions.map((session) => this.store.endSession(session.id, cause, Date.now()).catch(() => false)));
  }

  /** A fresh id for a driven turn started by the admin API. */
  static newChatId(): string {
    return randomSecret(12);
  }
}
