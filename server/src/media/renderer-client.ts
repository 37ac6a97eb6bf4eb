/** The server's HTTP side of docs/renderer-protocol.md: health, start, stop. */
import type { MediaConfig } from '@dhkit/protocol';
import {
  isSpareRoom,
  RENDERER_HTTP_TIMEOUT_MS,
  RENDERER_START_TIMEOUT_MS,
  type RendererHealth,
  type RendererSessionAnswer,
  type RendererSessionRequest,
} from '@dhkit/protocol';
import { CodedError } from '../errors.js';
import { fetchUpstream } from '../security/upstream-fetch.js';

export type RendererSettings = NonNullable<MediaConfig['renderer']>;

/** A renderer that is full or failing: the visitor sees SERVER_BUSY (or gets local mode, where the robot allows it). */
export class RendererError extends CodedError<'SERVER_BUSY'> {
  constructor(
    message: string,
    /** The renderer answered that it is full (503), as opposed to failing. */
    readonly busy = false,
  ) {
    super('SERVER_BUSY', message, { retryAfterMs: 5000 });
    this.name = 'RendererError';
  }
}

export function rendererUrl(renderer: RendererSettings, path: string): string {
  return renderer.url.replace(/\/+$/, '') + path;
}

function headers(renderer: RendererSettings, json: boolean): Record<string, string> {
  return {
    ...(renderer.secret ? { authorization: `Bearer ${renderer.secret}` } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

async function call(
  renderer: RendererSettings,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = RENDERER_HTTP_TIMEOUT_MS,
): Promise<Response> {
  try {
    return await fetchUpstream(rendererUrl(renderer, path), {
      method,
      headers: headers(renderer, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new RendererError(`renderer ${method} ${path} failed: ${(error as Error).message}`);
  }
}

/** Free slots now (0 when full or unreachable). */
export async function rendererFreeSlots(renderer: RendererSettings): Promise<number> {
  try {
    const response = await call(renderer, 'GET', '/health');
    if (!response.ok) return 0;
    const health = (await response.json()) as RendererHealth;
    return health.ok ? Math.max(0, health.capacity - health.active) : 0;
  } catch {
    return 0;
  }
}

/**
 * Reserves a slot and starts the stream; throws RendererError (busy when the renderer is full). Resolves with the
 * room the stream is in: the request's, or a spare room the renderer had joined ahead (an answer's `room` that
 * names no spare room is not taken: a visitor never gets a token for another session's room).
 */
export async function startRendererSession(renderer: RendererSettings, request: RendererSessionRequest): Promise<string> {
  const response = await call(renderer, 'POST', '/sessions', request, RENDERER_START_TIMEOUT_MS);
  if (response.status !== 201 && response.status !== 200) {
    throw new RendererError(`renderer refused the session: HTTP ${response.status}`, response.status === 503);
  }
  const answer = (await response.json().catch(() => null)) as Partial<RendererSessionAnswer> | null;
  return isSpareRoom(answer?.room) ? answer.room : request.livekit.room;
}

/** Frees the slot; a session the renderer no longer knows counts as freed. */
export async function stopRendererSession(renderer: RendererSettings, sessionId: string): Promise<void> {
  const response = await call(renderer, 'DELETE', `/sessions/${encodeURIComponent(sessionId)}`);
  if (response.status !== 204 && response.status !== 200 && response.status !== 404) {
    throw new RendererError(`renderer could not stop the session: HTTP ${response.status}`);
  }
}
