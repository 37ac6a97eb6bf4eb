/**
 * Admission's media step (docs/livekit.md): in `livekit` mode, reserve a renderer slot, hand it the room and
 * a publish token, and give the visitor a subscribe-only token. Local mode needs nothing.
 */
import type { LanguageCode, LiveKitJoinInfo, MediaMode, Robot } from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { CodedError } from '../errors.js';
import { randomSecret } from '../security/secrets.js';
import { removeFromRoom } from './livekit-room.js';
import { rendererToken, visitorToken } from './livekit-tokens.js';
import { RendererError, rendererFreeSlots, startRendererSession } from './renderer-client.js';
import { RendererLink } from './renderer-link.js';
import { DEFAULT_VIDEO, SPARE_ROOM_PREFIX, type RendererSessionRequest } from '@dhkit/protocol';

export interface SessionMedia {
  mode: MediaMode;
  livekit?: LiveKitJoinInfo;
  /** The renderer link (livekit mode only); the session closes it when it ends. */
  link?: RendererLink;
}

const LOCAL: SessionMedia = { mode: 'local' };

/** Whether this robot streams its avatar (a robot without `media` is local). */
export function wantsLiveKit(robot: Robot): boolean {
  return robot.media?.mode === 'livekit' && !!robot.media.livekit && !!robot.media.renderer;
}

/**
 * Before the once-code is spent: a robot whose renderer is full is refused (or falls back to local) without
 * costing the visitor the code. Returns the mode to try.
 */
export async function precheckMedia(robot: Robot): Promise<MediaMode> {
  if (!wantsLiveKit(robot)) return 'local';
  if ((await rendererFreeSlots(robot.media!.renderer!)) > 0) return 'livekit';
  if (robot.media!.fallbackToLocal) return 'local';
  throw new CodedError('SERVER_BUSY', 'No avatar renderer is free.', { retryAfterMs: 5000 });
}

export interface MediaRequest {
  robot: Robot;
  sessionId: string;
  language: LanguageCode;
  /** This server's address as the renderer should reach it, for the avatar pack. */
  serverAddress: string;
  log: FastifyBaseLogger;
}

/**
 * Reserves the renderer slot (livekit mode). A renderer that turns out full or broken means local mode when
 * the robot allows it, SERVER_BUSY otherwise (the caller ends the admitted session then).
 */
export async function startSessionMedia(mode: MediaMode, request: MediaRequest): Promise<SessionMedia> {
  if (mode === 'local') return LOCAL;
  const { robot, sessionId, language, serverAddress, log } = request;
  const { livekit, renderer, fallbackToLocal } = robot.media!;
  const identity = 'dhkit-renderer';
  const audioPath = `/sessions/${encodeURIComponent(sessionId)}/audio`;
  const token = (room: string) => rendererToken(livekit!, room, identity, robot.maxSessionSeconds);
  // A room for a later session, which the renderer may join ahead: that visitor's first frame then waits for no
  // join but its own. Named at random, once; a renderer that ignores it costs nothing.
  const spareRoom = `${SPARE_ROOM_PREFIX}${randomSecret(12)}`;
  const body: RendererSessionRequest = {
    sessionId,
    livekit: { url: livekit!.url, room: `dhkit-${sessionId}`, identity, token: await token(`dhkit-${sessionId}`) },
    avatar: {
      id: robot.avatar ?? 'default',
      manifestUrl: `${serverAddress}/avatars/${encodeURIComponent(robot.avatar ?? 'default')}/manifest.json`,
    },
    voice: { language, voices: { ...robot.voices } },
    video: { ...DEFAULT_VIDEO, background: robot.media!.chromaKey ? 'green' : 'pack' },
    audioPath,
    // The visitor's join then runs beside the renderer's, not after it (a later failure ends the session).
    answerWhenClaimed: true,
    spareRoom: { room: spareRoom, token: await token(spareRoom) },
  };
  let room: string;
  try {
    room = await startRendererSession(renderer!, body);
  } catch (error) {
    log.warn({ err: error, sessionId }, 'renderer refused the session');
    if (fallbackToLocal) return LOCAL;
    throw new CodedError(
      'SERVER_BUSY',
      error instanceof RendererError && error.busy ? 'No avatar renderer is free.' : 'The avatar renderer is unavailable.',
      { retryAfterMs: 5000 },
    );
  }
  const viewer = `visitor-${randomSecret(6)}`;
  return {
    mode: 'livekit',
    livekit: {
      url: livekit!.url,
      room,
      rendererIdentity: identity,
      token: await visitorToken(livekit!, room, viewer),
      ...(robot.media!.chromaKey ? { chromaKey: true } : {}),
      ...(robot.media!.iceServers?.length ? { iceServers: robot.media!.iceServers } : {}),
    },
    link: new RendererLink(renderer!, sessionId, audioPath, log, () => removeFromRoom(livekit!, room, viewer, log.child({ sessionId }))),
  };
}
