import type { SessionEndReason } from '@dhkit/protocol';

/** Why a session ended, as stored; mapped to the protocol's SessionEndReason for the client. */
export type EndCause =
  | SessionEndReason
  | 'BYE'
  | 'HEARTBEAT_TIMEOUT'
  | 'CHANNEL_NOT_OPENED'
  | 'SERVER_SHUTDOWN'
  | 'ROBOT_DELETED'
  | 'LEASE_LOST'
  /** Media mode livekit: the renderer went away (crashed, or dropped the session). */
  | 'RENDERER_LOST'
  /** The client sent messages far over the frame limit (sessions/rate-limit.ts). */
  | 'FLOODING'
  /** The client did not read what was sent to it for too long (sessions/backpressure.ts). */
  | 'SLOW_READER';

export function toSessionEndReason(cause: EndCause): SessionEndReason {
  if (cause === 'ROBOT_DELETED' || cause === 'LEASE_LOST') return 'KICKED';
  return cause === 'IDLE_TIMEOUT' || cause === 'MAX_DURATION' || cause === 'KICKED' ? cause : 'CLOSED';
}
