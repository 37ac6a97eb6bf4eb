/**
 * The operator's console (`@dhkit/console`'s build) under `/admin/` with a strict CSP, and the admin routes only
 * it needed: the audit log. The console talks to the admin API with the key the operator typed; the page itself
 * is public (it holds no data and no secret).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppContext } from './context.js';
import { adminGuard } from './admin-auth.js';
import { sendError } from './error-handler.js';
import { CodedError } from '../errors.js';

/**
 * Nothing inline, nothing from elsewhere but answer media over https (the knowledge preview shows what visitors
 * would see); the console may not be framed (its buttons change robots).
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "media-src 'self' blob: https:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function sendConsoleFile(reply: FastifyReply, consoleDir: string | null, file: string): FastifyReply | Promise<FastifyReply> {
  if (!consoleDir || !fs.existsSync(path.join(consoleDir, 'index.html'))) return sendError(reply, 'NOT_FOUND', 'The console is not built.');
  const normalized = path.posix.normalize(file.replace(/\\/g, '/')).replace(/^\/+/, '');
  if (normalized === '' || /\.html?$/i.test(normalized)) {
    // Any spelling of a page gets the page's headers (the CSP follows the file, not the URL).
    reply.header('Content-Security-Policy', CONSOLE_CSP);
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html', consoleDir, { cacheControl: false });
  }
  reply.header('Vary', 'Accept-Encoding');
  return reply.sendFile(normalized, consoleDir, { maxAge: 60_000, cacheControl: true });
}

/** Query strings are not coerced (schemas.ts): numbers come as digits. */
const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
    beforeId: { type: 'string', pattern: '^[0-9]{1,15}$' },
    robotId: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;
const MAX_AUDIT_LIMIT = 200;

export function consoleRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/admin', { schema: { summary: 'The operator console (redirects to /admin/)', tags: ['console'] } }, async (_request, reply) =>
      reply.redirect('/admin/'),
    );
    app.get<{ Params: { '*': string } }>(
      '/admin/*',
      { schema: { summary: 'The operator console: its page and assets', tags: ['console'] } },
      async (request, reply) => sendConsoleFile(reply, context.consoleDir, request.params['*']),
    );

    const admin = adminGuard(context.adminKeyHash, context.adminLockout);
    app.get<{ Querystring: { limit?: string; beforeId?: string; robotId?: string } }>(
      '/v1/audit',
      { onRequest: admin, schema: { querystring: auditQuery, summary: 'Admin changes, newest first', tags: ['admin'] } },
      async (request) => {
        const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
        if (limit < 1 || limit > MAX_AUDIT_LIMIT) throw new CodedError('INVALID_REQUEST', `limit must be 1..${MAX_AUDIT_LIMIT}.`);
        const beforeId = request.query.beforeId === undefined ? undefined : Number(request.query.beforeId);
        const entries = await context.store.listAudit({ limit, beforeId, robotId: request.query.robotId });
        return { entries, nextBeforeId: entries.length === limit ? entries[entries.length - 1].id : null };
      },
    );
  };
}
