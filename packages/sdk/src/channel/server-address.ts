import { DHKitError } from '../core/errors.js';

/** A server address, normalized: `https://host[:port][/path]` without a trailing slash. */
export interface ServerAddress {
  /** Base for HTTP requests, e.g. `https://dh.example.com:8443/dhkit`. */
  httpBase: string;
  /** Same base for the channel, e.g. `wss://dh.example.com:8443/dhkit`. */
  wsBase: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Accepts `https://host[:port][/path]`, `http://…` (local development) or a bare `host[:port][/path]`
 * (meaning https). Rejects anything else (other schemes, credentials, query, fragment) with INVALID_REQUEST.
 */
export function normalizeServerAddress(input: unknown): ServerAddress {
  const raw = typeof input === 'string' ? input.trim() : '';
  const withScheme = SCHEME.test(raw) ? raw : raw.startsWith('//') ? `https:${raw}` : `https://${raw}`;
  let url: URL | null = null;
  try {
    url = raw ? new URL(withScheme) : null;
  } catch {
    // not a URL: refused below
  }
  // One message for every way to get it wrong; the expected shape says what to fix.
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname || url.username || url.password || /[?#]/.test(raw)) {
    throw new DHKitError(
      'INVALID_REQUEST',
      `serverAddress ${JSON.stringify(input)} is not valid: expected https://host[:port][/path] (http:// for local ` +
        'development), without credentials, query or fragment.',
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  const httpBase = `${url.protocol}//${url.host}${path}`;
  const wsBase = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}${path}`;
  return { httpBase, wsBase };
}

/** `POST` target for admission. */
export function sessionsUrl(address: ServerAddress): string {
  return `${address.httpBase}/v1/sessions`;
}

/** `POST` target of the end-of-session beacon a closing page sends. */
export function sessionEndUrl(address: ServerAddress, sessionId: string): string {
  return `${address.httpBase}/v1/sessions/${encodeURIComponent(sessionId)}/end`;
}

/** The channel URL for SessionInfo.channelPath (a path relative to the server address, or a full ws URL). */
export function channelUrl(address: ServerAddress, channelPath: string): string {
  if (/^wss?:\/\//i.test(channelPath)) return channelPath;
  return `${address.wsBase}${channelPath.startsWith('/') ? '' : '/'}${channelPath}`;
}
