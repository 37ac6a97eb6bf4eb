/**
 * Avatar packs under `/avatars/<id>/…` (manifest.json and the pictures it names), from server/assets/avatars.
 * The SDK fetches them cross-origin from the customer's page (CORS, CORP), draws them into a canvas (so
 * pictures are served CORS-clean) and needs nothing else: no CDN, nothing at run time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { sendError } from './error-handler.js';

/** Only these files are served from a pack; each with its content type. */
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.avif': 'image/avif',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
};
const PACK_ID = /^[a-z0-9_-]{1,64}$/;
/** Path segments of pack files: no dot files, no `_source` folders, no traversal. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Pictures are sandboxed even when opened directly (an SVG is a document). */
const PICTURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

function avatarsDir(context: Pick<AppContext, 'assetsDir'>): string {
  return path.join(context.assetsDir, 'avatars');
}

/** True when a pack with this id is installed (a folder with a manifest.json). */
function avatarPackExists(context: Pick<AppContext, 'assetsDir'>, id: string): boolean {
  return PACK_ID.test(id) && fs.existsSync(path.join(avatarsDir(context), id, 'manifest.json'));
}

/** The installed pack ids. */
function listAvatarPacks(context: Pick<AppContext, 'assetsDir'>): string[] {
  const dir = avatarsDir(context);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && avatarPackExists(context, entry.name))
    .map((entry) => entry.name)
    .sort();
}

export function avatarRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    const root = avatarsDir(context);

    app.get('/avatars/', async () => ({ avatars: listAvatarPacks(context) }));

    app.get<{ Params: { id: string; '*': string } }>('/avatars/:id/*', async (request, reply) => {
      const { id } = request.params;
      const file = request.params['*'];
      const segments = file.split('/');
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()];
      if (!PACK_ID.test(id) || !type || !segments.every((s) => SEGMENT.test(s))) return sendError(reply, 'NOT_FOUND');
      const full = path.join(root, id, ...segments);
      if (!full.startsWith(path.join(root, id) + path.sep) || !fs.existsSync(full) || !fs.statSync(full).isFile()) {
        return sendError(reply, 'NOT_FOUND');
      }
      reply.header('Access-Control-Allow-Origin', '*');
      reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
      reply.header('X-Content-Type-Options', 'nosniff');
      if (type !== CONTENT_TYPES['.json']) reply.header('Content-Security-Policy', PICTURE_CSP);
      reply.type(type);
      return reply.sendFile(path.join(id, ...segments), root, { maxAge: 300_000, cacheControl: true, contentType: false });
    });
  };
}

/** Refuses an avatar id that names no installed pack (robot create and update). */
export function assertAvatarPack(context: Pick<AppContext, 'assetsDir'>, id: string | undefined): void {
  if (id !== undefined && !avatarPackExists(context, id)) {
    const known = listAvatarPacks(context);
    throw new CodedError('INVALID_REQUEST', `avatar "${id}" is not an installed avatar pack (installed: ${known.join(', ') || 'none'}).`);
  }
}
