/** The timers that end a session, and the warning (`sessionEndMention`) that comes before the announced ones. */
import { LIMITS, type Robot } from '@dhkit/protocol';
import type { EndCause } from './end-cause.js';

export interface SessionTimeouts {
  /** Grace for an admitted session to open its channel and say hello; then it is ended and its slot freed. */
  channelOpenMs: number;
  /**
   * Lease TTL: a session from which nothing (no ping) arrived for this long is ended, whether its socket is
   * still open (a silent network) or gone (a crash or network loss; within this time the client may resume).
   * The heartbeat interval told to clients is a third of it (at most 10 s, at least 1 s).
   */
  leaseTtlMs: number;
  /** The first frame on a new socket must be hello within this time. */
  helloMs: number;
  /** `sessionEndMention` goes out this long before an idle timeout or the maximum duration ends a session. */
  endMentionMs: number;
  /** A turn pauses while the socket holds more than this many unsent bytes (sessions/backpressure.ts). */
  sendHighWaterBytes: number;
  /** A socket over sendHighWaterBytes for this long is a client that does not read: its session ends. */
  slowReaderMs: number;
  /** A turn's audio goes out at most this far ahead of its playback, in ms (turn/real-time-pacer.ts). */
  audioLeadMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  channelOpenMs: 30_000,
  leaseTtlMs: 30_000,
  helloMs: LIMITS.helloTimeoutMs,
  endMentionMs: 30_000,
  // About 20 s of 22 kHz audio ahead of the listener; a reading client drains it long before.
  sendHighWaterBytes: 1 << 20,
  slowReaderMs: 20_000,
  // Playback needs a lead of a few hundred ms; 10 s covers any network hiccup, and sends short answers at once.
  audioLeadMs: 10_000,
};

/** How often clients ping: a third of the lease TTL, so two lost pings do not yet end a session. */
export function heartbeatIntervalFor(timeouts: SessionTimeouts): number {
  return Math.max(1000, Math.min(10_000, Math.floor(timeouts.leaseTtlMs / 3)));
}

/** What the timers look at in a session. */
export interface SessionClock {
  readonly robot: Pick<Robot, 'idleTimeoutSeconds' | 'maxSessionSeconds'>;
  readonly createdAt: number;
  /** Last frame of any kind (pings included). */
  readonly lastSeen: number;
  /** Last thing the visitor or an answer did (pings excluded). */
  readonly lastActivity: number;
  /** A channel said hello at least once. */
  readonly wasConnected: boolean;
  /** Since when the socket has held more than `sendHighWaterBytes` unsent; null while it does not. */
  readonly unreadSince: number | null;
}

/** Why the session must end now, or null while it may go on. */
export function expiredCause(session: SessionClock, timeouts: SessionTimeouts, now: number): EndCause | null {
  const { robot } = session;
  if (!session.wasConnected) return now - session.createdAt > timeouts.channelOpenMs ? 'CHANNEL_NOT_OPENED' : null;
  if (now - session.lastSeen > timeouts.leaseTtlMs) return 'HEARTBEAT_TIMEOUT';
  // Before the visitor's own deadlines: a client that pings but never reads must not hold its buffer until then.
  const { unreadSince } = session;
  if (unreadSince !== null && now - unreadSince >= timeouts.slowReaderMs) return 'SLOW_READER';
  if (robot.maxSessionSeconds > 0 && now - session.createdAt >= robot.maxSessionSeconds * 1000) return 'MAX_DURATION';
  if (robot.idleTimeoutSeconds > 0 && now - session.lastActivity >= robot.idleTimeoutSeconds * 1000) return 'IDLE_TIMEOUT';
  return null;
}

/**
 * The first time `expiredCause` could answer a cause for the session as it is now. Activity only moves it later
 * (lastSeen and lastActivity only grow); a first hello changes the rule, so the session is looked at again then.
 */
export function expiryCheckAt(session: SessionClock, timeouts: SessionTimeouts): number {
  const { robot } = session;
  // expiredCause's first two tests are strict (>): one ms past the limit.
  if (!session.wasConnected) return session.createdAt + timeouts.channelOpenMs + 1;
  let at = session.lastSeen + timeouts.leaseTtlMs + 1;
  if (session.unreadSince !== null) at = Math.min(at, session.unreadSince + timeouts.slowReaderMs);
  if (robot.maxSessionSeconds > 0) at = Math.min(at, session.createdAt + robot.maxSessionSeconds * 1000);
  if (robot.idleTimeoutSeconds > 0) at = Math.min(at, session.lastActivity + robot.idleTimeoutSeconds * 1000);
  return at;
}

export interface EndMention {
  reason: 'MAX_DURATION' | 'IDLE_TIMEOUT';
  /** Seconds left. */
  restTime: number;
}

/**
 * Announces each deadline once: the mention comes `endMentionMs` before it (or half-way, for timeouts
 * shorter than twice that). The idle deadline moves with every activity and is announced again then.
 */
export class EndMentions {
  private mentionedMaxDuration = false;
  private mentionedIdleFor = -1;

  constructor(private readonly endMentionMs: number) {}

  due(session: SessionClock, now: number): EndMention[] {
    const { idleTimeoutSeconds, maxSessionSeconds } = session.robot;
    const due: EndMention[] = [];
    if (maxSessionSeconds > 0 && !this.mentionedMaxDuration) {
      const rest = this.restIfNear(session.createdAt, maxSessionSeconds * 1000, now);
      if (rest !== null) {
        this.mentionedMaxDuration = true;
        due.push({ reason: 'MAX_DURATION', restTime: rest });
      }
    }
    if (idleTimeoutSeconds > 0 && this.mentionedIdleFor !== session.lastActivity) {
      const rest = this.restIfNear(session.lastActivity, idleTimeoutSeconds * 1000, now);
      if (rest !== null) {
        this.mentionedIdleFor = session.lastActivity;
        due.push({ reason: 'IDLE_TIMEOUT', restTime: rest });
      }
    }
    return due;
  }

  /** When the next mention not made yet comes due (Infinity: none left). Activity only moves it later. */
  nextAt(session: SessionClock): number {
    const { idleTimeoutSeconds, maxSessionSeconds } = session.robot;
    let at = Number.POSITIVE_INFINITY;
    if (maxSessionSeconds > 0 && !this.mentionedMaxDuration) at = this.dueAt(session.createdAt, maxSessionSeconds * 1000);
    if (idleTimeoutSeconds > 0 && this.mentionedIdleFor !== session.lastActivity) {
      at = Math.min(at, this.dueAt(session.lastActivity, idleTimeoutSeconds * 1000));
    }
    return at;
  }

  private restIfNear(since: number, total: number, now: number): number | null {
    return now >= this.dueAt(since, total) ? Math.max(0, Math.ceil((since + total - now) / 1000)) : null;
  }

  /** The mention comes this long before the deadline `since + total`: `endMentionMs`, or half-way for short ones. */
  private dueAt(since: number, total: number): number {
    return since + total - Math.min(this.endMentionMs, total / 2);
  }
}
