/** The session channel: WebSocket upgrade, origin check, then the session takes the socket. */
import type { FastifyPluginAsync } from 'fastify';
import { CLOSE_CODES } from '@dhkit/protocol';
import type { AppContext } from './context.js';
import { isOriginAllowed } from '../security/secrets.js';
import { sessionIdParams } from './schemas.js';

export function channelRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string } }>(
      '/v1/sessions/:id/channel',
      { websocket: true, schema: { params: sessionIdParams } },
      (socket, request) => {
        const session = context.registry.get(request.params.id);
        if (!session || session.isEnded) {
          socket.close(CLOSE_CODES.unauthorized, 'unknown or ended session');
          return;
        }
        const origin = typeof request.headers.origin === 'string' ? request.headers.origin : undefined;
        if (!isOriginAllowed(session.robot.allowedOrigins, origin)) {
          socket.close(CLOSE_CODES.unauthorized, 'ORIGIN_NOT_ALLOWED');
          return;
        }
        // A second socket may come while the first is open: a client resuming after a network drop whose
        // old socket the server has not seen die yet. It must say hello with the token to take over.
        if (!session.attach(socket)) socket.close(CLOSE_CODES.unauthorized, 'too many channels waiting for hello');
      },
    );
  };
}
