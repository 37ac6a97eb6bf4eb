/** The SDK build under /sdk/ and, in demo mode, the demo page and its assets. */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppContext } from './context.js';
import { sendError } from './error-handler.js';
import { SdkFiles, sendSdkFile } from './sdk-files.js';
import { issueOnceCode } from '../sessions/once-codes.js';
import { DEMO_ROBOT_ID } from '../robots/demo-robot.js';

const DEMO_PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self' ws: wss:";

/**
 * Serves `file` under `root`. Every HTML document gets the page CSP, whatever path spelled it
 * (`/demo/./index.html`, `/demo/x/../index.html`): the header follows the file served, not the URL's spelling.
 */
function sendFrom(reply: FastifyReply, root: string | null, file: string, maxAgeSeconds: number, pageCsp = DEMO_PAGE_CSP) {
  // Lazily checked, so an SDK built after the server started is served too.
  if (!root || !fs.existsSync(root)) return sendError(reply, 'NOT_FOUND');
  reply.header('X-Content-Type-Options', 'nosniff');
  if (/\.html?$/i.test(path.posix.normalize(file.replace(/\\/g, '/')))) {
    reply.header('Content-Security-Policy', pageCsp);
    reply.header('Referrer-Policy', 'no-referrer');
  }
  return reply.sendFile(file, root, { maxAge: maxAgeSeconds * 1000, cacheControl: true });
}

export function staticRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    // No cross-origin isolation needed; SDK files may be embedded from any site.
    const sdkFiles = new SdkFiles(context.sdkDir);
    app.get<{ Params: { '*': string }; Querystring: { v?: unknown } }>('/sdk/*', async (request, reply) => {
      const version = typeof request.query.v === 'string' ? request.query.v : undefined;
      const file = sdkFiles.find(request.params['*'], version, request.headers['accept-encoding']);
      if (!file) return sendError(reply, 'NOT_FOUND');
      reply.header('Access-Control-Allow-Origin', '*');
      reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
      return sendSdkFile(request, reply, file);
    });

    if (!context.demo) return;
    const demoDir = path.join(context.assetsDir, 'demo');

    app.get('/', async (_request, reply) => {
      reply.header('Content-Security-Policy', DEMO_PAGE_CSP);
      reply.header('Cache-Control', 'no-cache');
      reply.header('X-Content-Type-Options', 'nosniff');
      reply.header('Referrer-Policy', 'no-referrer');
      return reply.sendFile('index.html', demoDir, { cacheControl: false });
    });

    app.get<{ Params: { '*': string } }>('/demo/*', async (request, reply) => {
      // The page itself lives at `/` (its headers are set there); any spelling of it under /demo/ is not found.
      if (path.posix.normalize(request.params['*'].replace(/\\/g, '/')).replace(/^\/+/, '') === 'index.html')
        return sendError(reply, 'NOT_FOUND');
      return sendFrom(reply, demoDir, request.params['*'], 60);
    });

    app.post('/demo/once-code', { bodyLimit: 1024 }, async (_request, reply) => {
      const code = await issueOnceCode(context, DEMO_ROBOT_ID);
      reply.header('Cache-Control', 'no-store');
      return reply.code(201).send({ robotId: DEMO_ROBOT_ID, ...code });
    });
  };
}
