import type { SessionInfo, SessionRequest } from '@dhkit/protocol';
import { DHKitError } from '../core/errors.js';
import { sessionsUrl, type ServerAddress } from './server-address.js';

const ADMISSION_TIMEOUT_MS = 15_000;

/**
 * `POST /v1/sessions`: spends the once-code and gets a session. Server refusals become their catalog code
 * (ONCE_CODE_INVALID, CONCURRENCY_LIMIT, …); a request that never got an answer becomes NETWORK_ERROR.
 */
export async function requestSession(address: ServerAddress, request: SessionRequest): Promise<SessionInfo> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ADMISSION_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(sessionsUrl(address), {
      method: 'POST',
      // text/plain keeps it a simple request: no CORS preflight before admission (the server parses it as JSON).
      headers: { 'content-type': 'text/plain;charset=UTF-8', accept: 'application/json' },
      body: JSON.stringify(request),
      // The once-code is the credential; cookies of the server's domain have no business here.
      credentials: 'omit',
      cache: 'no-store',
      signal: abort.signal,
    });
  } catch (cause) {
    throw DHKitError.fromCode('NETWORK_ERROR', undefined, cause);
  } finally {
    clearTimeout(timer);
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw DHKitError.fromServer(body, response.status, retryAfterMs(response.headers.get('retry-after')));
  if (!isSessionInfo(body)) {
    throw new DHKitError('INTERNAL_ERROR', 'Unexpected answer to POST /v1/sessions.', { cause: body });
  }
  return body;
}

function isSessionInfo(value: unknown): value is SessionInfo {
  const info = value as Partial<SessionInfo> | null;
  return (
    !!info &&
    typeof info.sessionId === 'string' &&
    typeof info.token === 'string' &&
    typeof info.channelPath === 'string' &&
    typeof info.heartbeatIntervalMs === 'number'
  );
}

/** Retry-After in seconds (the only form our server sends; an HTTP date counts as absent). */
export function retryAfterMs(header: string | null): number | undefined {
  const seconds = Number(header);
  return header && seconds >= 0 ? seconds * 1000 : undefined;
}
