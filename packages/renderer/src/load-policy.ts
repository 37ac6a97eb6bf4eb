/**
 * What a renderer page may load: the renderer's own origin (the page and the publisher script), the dhkit
 * servers' public origins (avatar packs) and the session's LiveKit server. Everything else is aborted in the
 * browser, so a session request that names another host — or a pack that points elsewhere — makes Chromium
 * fetch nothing from it.
 */
import type { BrowserContext } from 'playwright-core';

export class LoadPolicyError extends Error {}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `https://talk.example.com` for http(s) and ws(s) URLs alike (a LiveKit URL is ws(s), its API http(s)). */
export function httpOrigin(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[parsed.protocol];
  if (!scheme || parsed.username || parsed.password) return null;
  return `${scheme}//${parsed.host}`;
}

/** The dhkit servers whose packs the renderer draws. */
export class ServerOrigins {
  private readonly origins: Set<string> | null;

  /**
   * @param origins the dhkit servers' `DHKIT_PUBLIC_URL`s; none: any loopback origin (a renderer beside its
   * server on one machine, the default deployment), never a remote host.
   */
  constructor(origins: readonly string[] = []) {
    const parsed = origins.map((origin) => {
      const value = httpOrigin(origin);
      if (!value || !/^https?:\/\//i.test(origin)) throw new LoadPolicyError(`"${origin}" is not an http(s) origin.`);
      return value;
    });
    this.origins = parsed.length ? new Set(parsed) : null;
  }

  /** Whether `url` lies on one of the servers (a session request's pack URL must). */
  allows(url: string): boolean {
    const origin = httpOrigin(url);
    if (!origin || !/^https?:\/\//.test(url)) return false;
    if (this.origins) return this.origins.has(origin);
    return origin.startsWith('http://') && LOOPBACK_HOSTS.has(new URL(origin).hostname);
  }

  describe(): string {
    return this.origins ? [...this.origins].join(', ') : 'loopback origins only (set DHKIT_PUBLIC_URL for a remote dhkit server)';
  }
}

/** The page's allowance: its renderer, the servers, and the LiveKit server of the session it runs now. */
export interface PageAllowance {
  rendererOrigin: string;
  servers: ServerOrigins;
  /** Origin of the current session's LiveKit server (none on a warm page). */
  livekitOrigin: string | null;
}

export function pageMayLoad(url: string, allowance: PageAllowance): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true; // in-page bytes, no network
  const origin = httpOrigin(url);
  if (!origin) return false;
  return origin === allowance.rendererOrigin || origin === allowance.livekitOrigin || allowance.servers.allows(origin);
}

/**
 * Aborts every request and WebSocket of the context's pages that the allowance (read at request time: a warm
 * page later serves a session) refuses; `onBlocked` hears each one.
 */
export async function guardContext(
  context: BrowserContext,
  allowance: () => PageAllowance,
  onBlocked: (url: string) => void,
): Promise<void> {
  const refused = (url: URL) => !pageMayLoad(url.href, allowance());
  await context.route(refused, (route) => {
    onBlocked(route.request().url());
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(refused, (socket) => {
    onBlocked(socket.url());
    return socket.close({ code: 1008, reason: 'blocked by the renderer' });
  });
}
