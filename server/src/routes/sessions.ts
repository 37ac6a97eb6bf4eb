/** Admission (public, CORS) and the admin driven-text route. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  PROTOCOL_VERSION,
  isLanguageCode,
  toRobotProfile,
  type SessionInfo,
  type SessionRequest,
} from '@dhkit/protocol';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { isOriginAllowed, randomSecret, sha256Hex } from '../security.js';
import { LiveSession, SessionRegistry } from '../sessions/live-session.js';
import { adminGuard } from './admin-auth.js';
import { drivenTextBodySchema, sessionIdParams, sessionRequestSchema } from './schemas.js';

export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * CORS for the admission route. The preflight carries no body, so it cannot know the robot: it reflects
 * the origin, and the robot's allowedOrigins are enforced on the POST itself. Error answers carry the CORS
 * headers too, so the SDK can read the error code (nothing secret is in them).
 */
function allowCors(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  reply.header('Vary', 'Origin');
  if (typeof origin === 'string') reply.header('Access-Control-Allow-Origin', origin);
}

export function sessionRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.options('/v1/sessions', async (request, reply) => {
      allowCors(request, reply);
      reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
      reply.header('Access-Control-Allow-Headers', 'Content-Type');
      reply.header('Access-Control-Max-Age', '600');
      return reply.code(204).send();
    });

    app.post<{ Body: SessionRequest }>(
      '/v1/sessions',
      {
        schema: { body: sessionRequestSchema },
        bodyLimit: 16 * 1024,
        // Before validation, so that refused requests still carry CORS headers.
        onRequest: async (request, reply) => allowCors(request, reply),
      },
      async (request, reply) => {
        const { robotId, onceCode } = request.body;
        const robot = await context.store.getRobot(robotId);
        if (!robot) throw new ApiError('ROBOT_NOT_FOUND');
        const language = request.body.language ?? robot.defaultLanguage;
        if (!isLanguageCode(language) || !robot.languages.includes(language)) {
          throw new ApiError('LANGUAGE_NOT_SUPPORTED');
        }
        const origin = typeof request.headers.origin === 'string' ? request.headers.origin : undefined;
        if (!isOriginAllowed(robot.allowedOrigins, origin)) throw new ApiError('ORIGIN_NOT_ALLOWED');

        const sessionId = `s_${randomSecret(15)}`;
        const token = randomSecret(32);
        const tokenHash = sha256Hex(token);
        const result = await context.store.admitSession({
          robotId: robot.id,
          codeHash: sha256Hex(onceCode),
          now: Date.now(),
          session: {
            id: sessionId,
            robotId: robot.id,
            tokenHash,
            language,
            origin: origin ?? null,
            createdAt: Date.now(),
          },
        });
        if (!result.ok) throw new ApiError(result.reason);
        context.registry.add(new LiveSession(sessionId, robot, language, tokenHash, context.sessionServices));
        const info: SessionInfo = {
          sessionId,
          jobId: sessionId,
          token,
          channelPath: `/v1/sessions/${sessionId}/channel`,
          protocol: PROTOCOL_VERSION,
          mediaMode: 'local',
          heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
          language,
          robot: toRobotProfile(robot),
        };
        reply.header('Cache-Control', 'no-store');
        return reply.code(201).send(info);
      },
    );

    app.post<{ Params: { id: string }; Body: { text: string; isLast: boolean; chatId?: string } }>(
      '/v1/sessions/:id/driven-text',
      {
        schema: { params: sessionIdParams, body: drivenTextBodySchema },
        preHandler: adminGuard(context.adminKeyHash),
      },
      async (request, reply) => {
        const live = context.registry.get(request.params.id);
        if (!live) {
          const stored = await context.store.getSession(request.params.id);
          throw new ApiError(stored ? 'SESSION_ENDED' : 'SESSION_NOT_FOUND');
        }
        if (!live.isConnected) throw new ApiError('INVALID_REQUEST', "The session's channel is not open yet.");
        const { text, isLast } = request.body;
        const chatId = request.body.chatId ?? live.openDrivenChatId ?? SessionRegistry.newChatId();
        live.drive(chatId, text, isLast);
        return reply.code(202).send({ chatId });
      },
    );
  };
}
