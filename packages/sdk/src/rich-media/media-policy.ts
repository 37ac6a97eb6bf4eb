/**
 * Which URLs an answer may use. Pure functions (no DOM), shared by the answer renderer and its tests.
 *
 * Media (pictures, video, posters) load only from the server's own origin or over https from a host in the
 * robot's `mediaAllowlist`, and only with an extension of an allowed type; links only use http(s), mailto or tel.
 * Relative URLs resolve against the server address: an answer comes from the server, not from the page.
 */
import { DHKitError } from '../core/errors.js';

export type MediaKind = 'image' | 'video';

/** Why something was left out of an answer. */
export type DropReason = 'invalid-url' | 'scheme' | 'host' | 'type' | 'credentials';

export interface MediaPolicy {
  /** The server address as a base for relative URLs, ending in `/`. */
  readonly base: string;
  /** The server's origin, e.g. `https://dh.example.com:8443`. */
  readonly serverOrigin: string;
  /** Allowed hosts, lower case (`host` or `host:port`). */
  readonly hosts: ReadonlySet<string>;
}

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: DropReason };

/** Extensions each kind of media may have (the last path segment, case-insensitive). */
const MEDIA_EXTENSIONS: Readonly<Record<MediaKind, readonly string[]>> = {
  image: ['jpg', 'jpeg', 'png', 'bmp', 'gif', 'webp', 'svg'],
  video: ['mp4'],
};

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Builds the policy for one robot. `serverAddress` is `https://host[:port][/path]`, `http://…` (local
 * development) or a bare `host[:port][/path]` (https), as in `create()`.
 */
export function createMediaPolicy(serverAddress: string, mediaAllowlist: readonly string[] = []): MediaPolicy {
  const raw = serverAddress.trim();
  const url = new URL(HAS_SCHEME.test(raw) && !/^[^:/]+:\d+(\/|$)/.test(raw) ? raw : `https://${raw.replace(/^\/\//, '')}`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new DHKitError('INVALID_REQUEST', `serverAddress must be http(s): ${raw}`);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return {
    base: `${url.origin}${path}`,
    serverOrigin: url.origin,
    hosts: new Set(mediaAllowlist.map((host) => host.trim().toLowerCase()).filter(Boolean)),
  };
}

function parse(raw: string, base: string): URL | null {
  // The HTML parser already decoded entities; browsers also drop tabs and newlines inside URLs, so does URL().
  const value = raw.trim();
  if (!value) return null;
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}

function extensionOf(url: URL): string {
  const segment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  return dot < 0 ? '' : segment.slice(dot + 1).toLowerCase();
}

/** Checks the URL of a picture (`img src`, `video poster`) or a video (`video src`, `source src`). */
export function checkMediaUrl(raw: string, kind: MediaKind, policy: MediaPolicy): UrlCheck {
  const url = parse(raw, policy.base);
  if (!url) return { ok: false, reason: 'invalid-url' };
  if (url.username || url.password) return { ok: false, reason: 'credentials' };
  const own = url.origin === policy.serverOrigin;
  if (!own) {
    if (url.protocol !== 'https:') return { ok: false, reason: 'scheme' };
    // `host` has no port when it is the scheme's default, so "cdn.example.com" matches https://cdn.example.com:443.
    if (!policy.hosts.has(url.host.toLowerCase())) return { ok: false, reason: 'host' };
  }
  if (!MEDIA_EXTENSIONS[kind].includes(extensionOf(url))) return { ok: false, reason: 'type' };
  return { ok: true, url: url.href };
}

/** Checks a link target: http(s), mailto or tel only. Returns the absolute URL to use. */
export function checkLinkUrl(raw: string, policy: MediaPolicy): UrlCheck {
  const url = parse(raw, policy.base);
  if (!url) return { ok: false, reason: 'invalid-url' };
  if (!LINK_PROTOCOLS.has(url.protocol)) return { ok: false, reason: 'scheme' };
  if (url.username || url.password) return { ok: false, reason: 'credentials' };
  return { ok: true, url: url.href };
}

/** `width`/`height` of pictures and video: a plain number of pixels (1..4096), else dropped. */
export function checkDimension(raw: string): string | null {
  const value = raw.trim();
  if (!/^\d{1,4}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= 4096 ? String(n) : null;
}
