import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.js';

/**
 * `GET /healthz` → `{"status": "ok" | "degraded", "checks": {…}}`, always 200 while the process serves: degraded
 * means it answers, but something a visitor would notice is wrong (the avatars cannot speak), and says what.
 */
export function healthRoutes(context: Pick<AppContext, 'speech'>): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => {
      const speech = context.speech ? await context.speech.current() : { status: 'ok' as const, engine: 'custom', problems: [] };
      return { status: speech.status === 'ok' ? 'ok' : 'degraded', checks: { speech } };
    });
  };
}
