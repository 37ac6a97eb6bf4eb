/**
 * The dhkit ⇄ renderer contract (docs/renderer-protocol.md is its prose; keep them together). The reference
 * renderer (`dhkit-renderer`, packages/renderer) implements the renderer side; the server's side is server/src/media/.
 */
import type { LanguageCode } from './errors.js';

/** `GET /health` → 200. */
export interface RendererHealth {
  ok: boolean;
  /** Sessions this renderer can run at once. */
  capacity: number;
  /** Sessions running now. */
  active: number;
  /** Optional, informational: pages ready to take a session at once (the reference renderer's warm pages). */
  warm?: number;
}

/** `POST /sessions` body: start streaming one visitor's avatar into a LiveKit room. */
export interface RendererSessionRequest {
  sessionId: string;
  livekit: {
    url: string;
    room: string;
    /** Publish token (canPublish, canPublishData) for `identity`. */
    token: string;
    identity: string;
  };
  avatar: {
    /** Avatar pack id. */
    id: string;
    /** The pack's manifest on the dhkit server (docs/avatars.md). */
    manifestUrl: string;
  };
  voice: { language: LanguageCode; voices: Partial<Record<LanguageCode, string>> };
  video: { width: number; height: number; fps: number; background: 'pack' | 'green' };
  /** Path of the audio WebSocket (relative to the renderer's base URL) the server opens next. */
  audioPath: string;
  /**
   * Answer 201 once the slot is yours, before joining the room: the visitor then joins beside the renderer instead
   * of after it. A failure to join or publish afterwards ends the session as any later failure does (the audio
   * socket closes with RENDERER_SESSION_ENDED_CLOSE). Absent or false: answer once publishing.
   */
  answerWhenClaimed?: boolean;
  /**
   * A room the renderer may join ahead, for a later session like this one (same LiveKit server, pack and video):
   * a page already in a room, publishing, takes that session at once instead of joining then. Optional both ways:
   * a renderer that ignores it joins `livekit.room` as before; the server names each spare room once.
   */
  spareRoom?: RendererSpareRoom;
}

/** A room to join ahead of its session, with `livekit.identity`; its token publishes as the session's does. */
export interface RendererSpareRoom {
  /** `SPARE_ROOM_PREFIX` and letters, digits, `_` or `-`: the server gives visitors tokens for no other. */
  room: string;
  token: string;
}

/** Spare rooms' names start with this; a renderer's answer naming any other room is not taken. */
export const SPARE_ROOM_PREFIX = 'dhkit-spare-';
const SPARE_ROOM = /^dhkit-spare-[A-Za-z0-9_-]{1,128}$/;

/** Whether `room` can be a spare room (the server checks a renderer's answer with it). */
export function isSpareRoom(room: unknown): room is string {
  return typeof room === 'string' && SPARE_ROOM.test(room);
}

/** `POST /sessions` → 201. */
export interface RendererSessionAnswer {
  sessionId: string;
  /**
   * The session streams into this spare room (one an earlier request offered, joined ahead), not `livekit.room`:
   * the visitor gets a token for it. Absent: `livekit.room`.
   */
  room?: string;
}

/** Text frames on the audio WebSocket, server → renderer. Binary frames are the channel's audio frames. */
export type RendererControlMessage =
  | { type: 'speech'; chatId: string; clauseId: number; text: string; sampleRate: number; encoding: 'pcm_s16le'; filler?: true }
  | { type: 'turnEnd'; chatId: string; reason: 'completed' | 'interrupted' | 'failed' }
  | { type: 'interrupt' };

/** The renderer closes the audio socket with this code when it ended the session by itself (its page crashed, say). */
export const RENDERER_SESSION_ENDED_CLOSE = 4000;

export const DEFAULT_VIDEO: RendererSessionRequest['video'] = { width: 640, height: 640, fps: 25, background: 'pack' };

/** How long the server waits for a renderer's answer to /health and DELETE. */
export const RENDERER_HTTP_TIMEOUT_MS = 5000;
/** How long the server waits for `POST /sessions` (a renderer may answer only once it publishes). */
export const RENDERER_START_TIMEOUT_MS = 15_000;

/** Session ids travel in renderer URLs and room names: the server's ids fit this, and so must any other. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks a `POST /sessions` body (for renderers written in TypeScript, the reference one among them): the
 * request, or what is wrong with it (a renderer answers that with 400 INVALID_REQUEST).
 */
export function parseRendererSessionRequest(body: unknown): RendererSessionRequest | string {
  const request = body as Partial<RendererSessionRequest> | null;
  if (!request || typeof request !== 'object' || Array.isArray(request)) return 'a JSON object expected';
  if (typeof request.sessionId !== 'string' || !SESSION_ID.test(request.sessionId)) return 'sessionId: 1–128 letters, digits, _ or -';
  const { livekit, avatar, video, voice } = request;
  if (!livekit || typeof livekit !== 'object') return 'livekit: an object expected';
  if (!isUrl(livekit.url, ['ws:', 'wss:', 'http:', 'https:'])) return 'livekit.url: a ws(s) or http(s) URL expected';
  if (!isText(livekit.room, 256)) return 'livekit.room: 1–256 characters';
  if (!isText(livekit.identity, 256)) return 'livekit.identity: 1–256 characters';
  if (!isText(livekit.token, 8192)) return 'livekit.token: 1–8192 characters';
  if (!avatar || typeof avatar !== 'object' || !isText(avatar.id, 128) || !isUrl(avatar.manifestUrl, ['http:', 'https:'])) {
    return 'avatar: {id, manifestUrl (http or https)} expected';
  }
  if (!video || typeof video !== 'object') return 'video: an object expected';
  if (!isInteger(video.width, 16, 4096) || !isInteger(video.height, 16, 4096)) return 'video.width and video.height: 16–4096';
  if (!isInteger(video.fps, 1, 60)) return 'video.fps: 1–60';
  if (video.background !== 'pack' && video.background !== 'green') return 'video.background: "pack" or "green"';
  if (!voice || typeof voice !== 'object' || typeof voice.language !== 'string' || !voice.voices || typeof voice.voices !== 'object') {
    return 'voice: {language, voices} expected';
  }
  if (request.audioPath !== `/sessions/${request.sessionId}/audio`) return 'audioPath: /sessions/<sessionId>/audio expected';
  if (request.answerWhenClaimed !== undefined && typeof request.answerWhenClaimed !== 'boolean') return 'answerWhenClaimed: a boolean';
  const spare = request.spareRoom;
  if (spare !== undefined && (!spare || typeof spare !== 'object' || !isSpareRoom(spare.room) || !isText(spare.token, 8192))) {
    return `spareRoom: {room (${SPARE_ROOM_PREFIX}…), token} expected`;
  }
  return request as RendererSessionRequest;
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function isUrl(value: unknown, protocols: string[]): value is string {
  if (!isText(value, 2048)) return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** LiveKit data topic on which a renderer reports speech (docs/renderer-protocol.md#speech-events). */
export const RENDERER_SPEECH_TOPIC = 'dhkit.speech';

/** A renderer's speech report: JSON on RENDERER_SPEECH_TOPIC, reliable. */
export interface RendererSpeechEvent {
  type: 'speechStart' | 'speechEnd';
  chatId: string;
  clauseId: number;
  /** The caption (speechStart only). */
  text?: string;
  /** speechEnd: `interrupted` when the clause was cut. */
  reason?: 'completed' | 'interrupted';
  /**
   * Sent ahead: the clause's first sample (speechStart) or the sample after its last (speechEnd) leaves
   * the renderer into the room this many milliseconds after the report. Absent or 0: now.
   */
  inMs?: number;
  /**
   * The same moment as a position on the published audio track's own timeline: the RTP timestamp (48 kHz
   * Opus clock, as the renderer's sender stamps it) of the clause's first sample (speechStart) or of the
   * sample after its last (speechEnd). A page that can read its receiver's playout position shows the
   * clause when this timestamp is played out, whatever the network, the jitter buffer or its own CPU load;
   * `inMs` is the fallback. Absent when the renderer cannot tell.
   */
  rtpTimestamp?: number;
}

/** The RTP clock rate of Opus, the voice's codec in every LiveKit room (RFC 7587: always 48 kHz). */
export const OPUS_RTP_CLOCK_RATE = 48_000;

/**
 * The most a renderer may announce ahead: a long answer is synthesized far faster than it is spoken, so its
 * last clause may be scheduled minutes out. Larger or malformed `inMs` values count as 0.
 */
export const RENDERER_SPEECH_MAX_LEAD_MS = 30 * 60_000;
