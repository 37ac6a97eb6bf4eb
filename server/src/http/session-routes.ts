/**
 * Admission's route (public, CORS; the logic is sessions/admission.ts), the visitor's end-of-session beacon,
 * and the admin session routes.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { LiveSessionInfo, LiveSessionsPage, SessionRequest } from '@dhkit/protocol';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { isOriginAllowed, matchesHash } from '../security/secrets.js';
import { SessionRegistry } from '../sessions/session-registry.js';
import type { SessionRecord } from '../store/store.js';
import { adminGuard } from './admin-auth.js';
import {
  drivenTextBodySchema,
  robotIdParams,
  sessionEndBodySchema,
  sessionIdParams,
  sessionPageQuery,
  sessionRequestSchema,
} from './schemas.js';

/** Sends the CORS headers for `origin` (and Vary: Origin, since the answer depends on it). */
function allowOrigin(reply: FastifyReply, origin: string | undefined): void {
  reply.header('Vary', 'Origin');
  if (origin !== undefined) reply.header('Access-Control-Allow-Origin', origin);
  // A refused admission's Retry-After (SERVER_BUSY) tells the SDK when to try again; pages are cross-origin.
  reply.header('Access-Control-Expose-Headers', 'Retry-After');
}

function originOf(request: FastifyRequest): string | undefined {
  return typeof request.headers.origin === 'string' ? request.headers.origin : undefined;
}

/** The visitor routes' onRequest hook: a callback hook, not an async one (no promise per admission). */
function corsHook(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  allowOrigin(reply, originOf(request));
  done();
}

export function sessionRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    await admissionRoutes(app, context);
    await beaconRoutes(app, context);
    adminSessionRoutes(app, context);
  };
}

/** `POST /v1/sessions` and its CORS preflight. */
async function admissionRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  /**
   * The preflight carries no body, so it cannot know the robot: it allows an origin that at least one
   * robot allows. The POST then checks the robot's own allowedOrigins.
   */
  app.options('/v1/sessions', async (request, reply) => {
    const origin = originOf(request);
    reply.header('Vary', 'Origin');
    if (origin !== undefined) {
      const robots = await context.store.listRobots();
      if (robots.some((robot) => isOriginAllowed(robot.allowedOrigins, origin))) {
        allowOrigin(reply, origin);
        reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
        reply.header('Access-Control-Allow-Headers', 'Content-Type');
        reply.header('Access-Control-Max-Age', '600');
      }
    }
    return reply.code(204).send();
  });

  // The SDK posts its JSON as text/plain: a simple request, so a first visit does not wait for a preflight first.
  // The route's own origin check (admission) is what guards it, preflight or not.
  await app.register(async (admission) => {
    admission.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new CodedError('INVALID_REQUEST', 'The body must be JSON {"robotId", "onceCode"}.'), undefined);
      }
    });
    admission.post<{ Body: SessionRequest }>(
      '/v1/sessions',
      {
        schema: { body: sessionRequestSchema },
        bodyLimit: 16 * 1024,
        config: { bodyTypes: ['application/json', 'text/plain'] },
        // Before validation, so that refused requests carry CORS headers too and the SDK can read the error
        // code. Only a refusal can reach an origin the robot does not allow; a session never does.
        onRequest: corsHook,
      },
      async (request, reply) => {
        const info = await context.admission.admit({
          ...request.body,
          origin: originOf(request),
          clientAddress: request.ip,
          // The configured public origin: the visitor's Host header never names the server to a renderer.
          serverAddress: context.publicUrl.origin,
          log: request.log,
        });
        reply.header('Cache-Control', 'no-store');
        return reply.code(201).send(info);
      },
    );
  });
}

/**
 * The visitor's goodbye from a page that is going away: `navigator.sendBeacon` posts `{"token"}` as
 * text/plain (a simple request: no preflight, which a closing page could not wait for).
 */
async function beaconRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(async (beacon) => {
    beacon.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new CodedError('INVALID_REQUEST', 'The body must be JSON {"token": "…"}.'), undefined);
      }
    });
    beacon.post<{ Params: { id: string }; Body: { token: string } }>(
      '/v1/sessions/:id/end',
      {
        schema: { params: sessionIdParams, body: sessionEndBodySchema },
        bodyLimit: 1024,
        onRequest: corsHook,
      },
      async (request, reply) => {
        const { id } = request.params;
        const live = context.registry.get(id);
        const record = live ? null : await context.store.getSession(id);
        const tokenHash = live ? live.tokenHashForCheck : record?.tokenHash;
        // Unknown session and wrong token answer alike, so the route tells nothing about which ids exist.
        if (!tokenHash || !matchesHash(request.body.token, tokenHash)) throw new CodedError('UNAUTHORIZED');
        if (live) live.end('BYE', { notify: false });
        else await context.store.endSession(id, 'BYE', Date.now());
        return reply.code(204).send();
      },
    );
  });
}

const DEFAULT_SESSION_PAGE = 100;
const MAX_SESSION_PAGE = 500;

/** The admin's view of sessions: list a robot's, kick one, make one speak. */
function adminSessionRoutes(app: FastifyInstance, context: AppContext): void {
  const admin = adminGuard(context.adminKeyHash, context.adminLockout);

  /** A page of a robot's live sessions, oldest first, with the leases in use (all processes) against its limit. */
  app.get<{ Params: { id: string }; Querystring: { limit?: string; offset?: string } }>(
    '/v1/robots/:id/sessions',
    { schema: { params: robotIdParams, querystring: sessionPageQuery }, onRequest: admin },
    async (request): Promise<LiveSessionsPage> => {
      const limit = request.query.limit === undefined ? DEFAULT_SESSION_PAGE : Number(request.query.limit);
      if (limit < 1 || limit > MAX_SESSION_PAGE) throw new CodedError('INVALID_REQUEST', `limit must be 1..${MAX_SESSION_PAGE}.`);
      const offset = Number(request.query.offset ?? 0);
      const robot = await context.store.getRobot(request.params.id);
      if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
      const now = Date.now();
      const sessions = await context.store.listLiveSessionPage(robot.id, now, { limit: limit + 1, offset });
      return {
        robotId: robot.id,
        concurrency: robot.concurrency,
        inUse: await context.store.countLiveSessions(robot.id, now),
        sessions: sessions.slice(0, limit).map((s) => describeSession(s, context)),
        nextOffset: sessions.length > limit ? offset + limit : null,
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/sessions/:id',
    { schema: { params: sessionIdParams }, onRequest: admin },
    async (request, reply) => {
      const { id } = request.params;
      const live = context.registry.get(id);
      if (live) {
        // Tells the visitor (sessionEnd KICKED), closes the channel and frees the lease at once.
        live.end('KICKED');
        return reply.code(204).send();
      }
      // Served by another process (or its channel is gone): free the lease now; that process notices at
      // its next lease renewal and closes the channel with sessionEnd KICKED.
      if (await context.store.endSession(id, 'KICKED', Date.now())) return reply.code(204).send();
      const record = await context.store.getSession(id);
      throw new CodedError(record ? 'SESSION_ENDED' : 'SESSION_NOT_FOUND');
    },
  );

  app.post<{ Params: { id: string }; Body: { text: string; isLast: boolean; chatId?: string } }>(
    '/v1/sessions/:id/driven-text',
    {
      schema: { params: sessionIdParams, body: drivenTextBodySchema },
      onRequest: admin,
    },
    async (request, reply) => {
      const live = context.registry.get(request.params.id);
      if (!live) {
        const stored = await context.store.getSession(request.params.id);
        throw new CodedError(stored ? 'SESSION_ENDED' : 'SESSION_NOT_FOUND');
      }
      if (!live.isConnected) throw new CodedError('INVALID_REQUEST', "The session's channel is not open.");
      const { text, isLast } = request.body;
      const chatId = request.body.chatId ?? live.openDrivenChatId ?? SessionRegistry.newChatId();
      live.drive(chatId, text, isLast);
      return reply.code(202).send({ chatId });
    },
  );
}

function describeSession(session: SessionRecord, context: AppContext): LiveSessionInfo {
  const live = context.registry.get(session.id);
  return {
    sessionId: session.id,
    robotId: session.robotId,
    language: session.language,
    origin: session.origin,
    createdAt: new Date(session.createdAt).toISOString(),
    leaseExpiresAt: new Date(session.leaseExpiresAt).toISOString(),
    connected: live ? live.isConnected : null,
  };
}
