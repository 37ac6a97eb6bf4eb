/**
 * `GET /metrics`: Prometheus text. Scrapers present the metrics token (`DHKIT_METRICS_TOKEN`) or the admin key as
 * a bearer token, so a monitoring system never needs the key that can change robots.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from './context.js';
import { adminGuard } from './admin-auth.js';
import { matchesHash } from '../security/secrets.js';

export function metricsRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    const requireAdmin = adminGuard(context.adminKeyHash, context.adminLockout);
    const requireScraper = async (request: FastifyRequest): Promise<void> => {
      const header = request.headers.authorization;
      const presented = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
      if (presented && context.metricsTokenHash && matchesHash(presented, context.metricsTokenHash)) return;
      await requireAdmin(request);
    };
    app.get(
      '/metrics',
      { onRequest: requireScraper, schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['observability'] } },
      async (_request, reply) => {
        const { contentType, body } = await context.metrics.render();
        reply.header('Cache-Control', 'no-store');
        return reply.type(contentType).send(body);
      },
    );
  };
}
