/** Admin API: what visitors asked a robot, how often it could answer, and how fast it started speaking. */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { adminGuard } from './admin-auth.js';
import { analyticsQuery, robotIdParams } from './schemas.js';

/** The window when `from` is not given: the last 30 days before `to`. */
const DEFAULT_ANALYTICS_WINDOW_MS = 30 * 24 * 3600_000;
const DEFAULT_ANALYTICS_LIMIT = 10;
const MAX_ANALYTICS_LIMIT = 100;

/** Epoch ms digits or an ISO 8601 date/time (a date alone is midnight UTC). */
function parseTime(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const time = /^[0-9]+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time)) throw new CodedError('INVALID_REQUEST', `${name} is not a valid time: "${value}".`);
  return time;
}

export function analyticsRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', adminGuard(context.adminKeyHash, context.adminLockout));

    app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string; limit?: string } }>(
      '/v1/robots/:id/analytics',
      { schema: { params: robotIdParams, querystring: analyticsQuery } },
      async (request) => {
        const robot = await context.store.getRobot(request.params.id);
        if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
        const to = parseTime(request.query.to, 'to', Date.now());
        const from = parseTime(request.query.from, 'from', to - DEFAULT_ANALYTICS_WINDOW_MS);
        if (from >= to) throw new CodedError('INVALID_REQUEST', 'from must be before to.');
        const limit = request.query.limit === undefined ? DEFAULT_ANALYTICS_LIMIT : Number(request.query.limit);
        if (limit < 1 || limit > MAX_ANALYTICS_LIMIT) throw new CodedError('INVALID_REQUEST', `limit must be 1..${MAX_ANALYTICS_LIMIT}.`);
        const analytics = await context.store.questionAnalytics(robot.id, { from, to, limit });
        return { robotId: robot.id, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...analytics };
      },
    );
  };
}
