/**
 * The SDK build under /sdk/: strong ETags, conditional requests and a cache policy by URL.
 *
 * - Versioned: the URL carries `?v=<build id>` of the build being served (the script-tag build asks for its lazy
 *   chunks that way; a page may pin its script tag too). Such a URL never changes meaning, so browsers keep it a
 *   year without asking (`immutable`).
 * - Unversioned (`/sdk/dhkit.umd.js`, or a `?v=` of another build): always revalidated (`no-cache`) with a strong
 *   ETag, so a new build reaches every page at once and an unchanged file costs a 304. An old page's stale `?v=`
 *   still gets today's file, never a 404.
 *
 * The build id is written by the SDK build (`dist/build.json`, a hash of what the bundles are built from); the ETag
 * is the file's own content hash, one per encoding (a strong ETag names exact bytes).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const REVALIDATE_CACHE = 'no-cache';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
};

/** The encodings the build precompressed, best first, with their file suffix. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

interface Fingerprint {
  mtimeMs: number;
  size: number;
  hash: string;
}

export interface SdkFile {
  /** Absolute path of the bytes to send (the .br/.gz sibling when negotiated). */
  path: string;
  size: number;
  contentType: string;
  encoding: string | null;
  etag: string;
  cacheControl: string;
}

export class SdkFiles {
  private readonly fingerprints = new Map<string, Fingerprint>();
  private buildInfo: { mtimeMs: number; buildId: string | null } | null = null;

  constructor(private readonly root: string | null) {}

  /** The build id of the SDK build being served, or null for a build without one. */
  buildId(): string | null {
    if (!this.root) return null;
    const file = path.join(this.root, 'build.json');
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return null;
    }
    if (this.buildInfo?.mtimeMs !== mtimeMs) {
      let buildId: string | null = null;
      try {
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { buildId?: unknown };
        buildId = typeof parsed.buildId === 'string' && parsed.buildId ? parsed.buildId : null;
      } catch {
        buildId = null;
      }
      this.buildInfo = { mtimeMs, buildId };
    }
    return this.buildInfo.buildId;
  }

  /** What to send for `relative` (the URL's path under /sdk/), or null when there is no such file. */
  find(relative: string, version: string | undefined, acceptEncoding: string | undefined): SdkFile | null {
    const file = this.resolve(relative);
    if (!file) return null;
    const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const buildId = this.buildId();
    const cacheControl = buildId !== null && version === buildId ? IMMUTABLE_CACHE : REVALIDATE_CACHE;
    for (const encoding of ENCODINGS) {
      if (!accepts(acceptEncoding, encoding.name)) continue;
      const variant = this.fingerprint(file + encoding.suffix);
      if (variant) {
        const etag = `"${variant.hash}-${encoding.name}"`;
        return { path: file + encoding.suffix, size: variant.size, contentType, encoding: encoding.name, etag, cacheControl };
      }
    }
    const identity = this.fingerprint(file);
    if (!identity) return null;
    return { path: file, size: identity.size, contentType, encoding: null, etag: `"${identity.hash}"`, cacheControl };
  }

  /** `relative` as a regular file inside the root; never a dotfile, a precompressed sibling or a path outside. */
  private resolve(relative: string): string | null {
    if (!this.root || relative.includes('\0') || relative.includes('\\')) return null;
    const segments = relative.split('/');
    if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return null;
    if (/\.(br|gz)$/i.test(relative)) return null;
    const full = path.join(this.root, ...segments);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) return null;
    return full;
  }

  /** Size and content hash of a regular file, recomputed only when the file changes (a rebuild). */
  private fingerprint(file: string): Fingerprint | null {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return null;
    }
    if (!stat.isFile()) return null;
    const known = this.fingerprints.get(file);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known;
    const hash = createHash('sha256').update(fs.readFileSync(file)).digest('base64url').slice(0, 27);
    const fingerprint = { mtimeMs: stat.mtimeMs, size: stat.size, hash };
    this.fingerprints.set(file, fingerprint);
    return fingerprint;
  }
}

/** Whether an Accept-Encoding header takes `encoding` (q=0 refuses it). */
function accepts(header: string | undefined, encoding: string): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name?.trim() !== encoding) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** Sends `file` with its validators and cache policy, or a 304 when the browser's copy is current. */
export function sendSdkFile(request: FastifyRequest, reply: FastifyReply, file: SdkFile): FastifyReply {
  reply.header('ETag', file.etag);
  reply.header('Cache-Control', file.cacheControl);
  reply.header('Vary', 'Accept-Encoding');
  if (matches(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
  reply.header('Content-Type', file.contentType);
  reply.header('Content-Length', String(file.size));
  if (file.encoding) reply.header('Content-Encoding', file.encoding);
  return reply.send(fs.createReadStream(file.path));
}
