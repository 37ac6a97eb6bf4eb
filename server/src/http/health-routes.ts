import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.js';

/**
 * `GET /healthz` → `{"status": "ok" | "degraded", "checks": {…}}`, always 200 while the process serves: degraded
 * means it answers, but something a visitor would notice is wrong (the avatars cannot speak), and says what.
 */
export function healthRoutes(context: Pick<AppContext, 'speech' | 'analyticsDrops'>): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => {
      const speech = context.speech ? await context.speech.current() : { status: 'ok' as const, engine: 'custom', problems: [] };
      // Question-log rows not written since start (a session over its cap, the database unreachable): counted, never lost silently.
      const analytics = { droppedRows: context.analyticsDrops.totals };
      return { status: speech.status === 'ok' ? 'ok' : 'degraded', checks: { speech, analytics } };
    });
  };
}
