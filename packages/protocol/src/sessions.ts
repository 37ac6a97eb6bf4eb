/**
 * Admission over HTTP: the `POST /v1/sessions` request that opens a session and the answer that tells the
 * client where its channel (channel.ts) and, for a streamed avatar, its LiveKit room are. `docs/protocol.md`
 * is the prose version.
 */
import type { MediaMode } from './channel.js';
import type { LanguageCode } from './errors.js';
import type { IceServer, RobotProfile } from './robot.js';

/** `POST /v1/sessions` body. */
export interface SessionRequest {
  robotId: string;
  onceCode: string;
  /** Preferred language; defaults to the robot's default language. */
  language?: LanguageCode;
}

/** `POST /v1/sessions` → 201 answer. */
export interface SessionInfo {
  sessionId: string;
  /** The reference SDK's name for a session; equal to sessionId. */
  jobId: string;
  /** Opaque channel credential; sent in `hello`, never in a URL (so it stays out of access logs). */
  token: string;
  /** Channel path relative to the server address, e.g. `/v1/sessions/<id>/channel`. */
  channelPath: string;
  protocol: number;
  mediaMode: MediaMode;
  /** The client sends `ping` at this interval; the server ends a session whose pings stop. */
  heartbeatIntervalMs: number;
  /**
   * The session's lease TTL: a session from which nothing arrived for this long is ended. Within it, a
   * client that lost its socket without saying `bye` may open the channel again with the same token
   * (`hello {resume: true}`) and continue the same session.
   */
  leaseTtlMs: number;
  language: LanguageCode;
  robot: RobotProfile;
  /** With `mediaMode: 'livekit'` only: the room to join, subscribe-only (docs/livekit.md). */
  livekit?: LiveKitJoinInfo;
}

/** Where the visitor watches a streamed avatar. */
export interface LiveKitJoinInfo {
  /** `wss://…` of the LiveKit server. */
  url: string;
  /** Access token: canSubscribe only (no publishing, no data). */
  token: string;
  room: string;
  /** The renderer's participant identity, whose tracks are the avatar. */
  rendererIdentity: string;
  /** The video has a green screen (#00ff00) to key out. */
  chromaKey?: boolean;
  /** Extra ICE servers for the browser's peer connections. */
  iceServers?: IceServer[];
}
