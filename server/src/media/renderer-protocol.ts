/**
 * The dhkit ⇄ renderer contract (docs/renderer-protocol.md is its prose; keep them together). The reference
 * renderer (`dhkit renderer`, server/src/renderer/) implements the renderer side.
 */
import type { LanguageCode } from '@dhkit/protocol';

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
}

/** `POST /sessions` → 201. */
export interface RendererSessionAnswer {
  sessionId: string;
}

/** Text frames on the audio WebSocket, server → renderer. Binary frames are the channel's audio frames. */
export type RendererControlMessage =
  | { type: 'speech'; chatId: string; clauseId: number; text: string; sampleRate: number; encoding: 'pcm_s16le'; filler?: true }
  | { type: 'turnEnd'; chatId: string; reason: 'completed' | 'interrupted' | 'failed' }
  | { type: 'interrupt' };

export const DEFAULT_VIDEO: RendererSessionRequest['video'] = { width: 640, height: 640, fps: 25, background: 'pack' };

/** How long the server waits for a renderer's answer to /health and DELETE. */
export const RENDERER_HTTP_TIMEOUT_MS = 5000;
/** How long the server waits for `POST /sessions` (a renderer may answer only once it publishes). */
export const RENDERER_START_TIMEOUT_MS = 15_000;
