/** Admin API: what visitors asked a robot, how often it could answer, and how fast it started speaking. */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { adminGuard } from './admin-auth.js';
import type { AnalyticsQuery, UnansweredQuery } from '../store/store.js';
import { analyticsQuery, robotIdParams, unansweredQuestionsQuery } from './schemas.js';

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

type WindowQuery = { from?: string; to?: string; limit?: string };

/** The window and row limit of an analytics request. */
function analyticsWindow(query: WindowQuery): AnalyticsQuery {
  const to = parseTime(query.to, 'to', Date.now());
  const from = parseTime(query.from, 'from', to - DEFAULT_ANALYTICS_WINDOW_MS);
  if (from >= to) throw new CodedError('INVALID_REQUEST', 'from must be before to.');
  const limit = query.limit === undefined ? DEFAULT_ANALYTICS_LIMIT : Number(query.limit);
  if (limit < 1 || limit > MAX_ANALYTICS_LIMIT) throw new CodedError('INVALID_REQUEST', `limit must be 1..${MAX_ANALYTICS_LIMIT}.`);
  return { from, to, limit };
}

export function analyticsRoutes(context: AppContext): FastifyPluginAsync {
  const loadRobot = async (id: string) => {
    const robot = await context.store.getRobot(id);
    if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
    return robot;
  };
  const window = ({ from, to }: AnalyticsQuery) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  return async (app) => {
    app.addHook('onRequest', adminGuard(context.adminKeyHash, context.adminLockout));

    app.get<{ Params: { id: string }; Querystring: WindowQuery }>(
      '/v1/robots/:id/analytics',
      { schema: { params: robotIdParams, querystring: analyticsQuery } },
      async (request) => {
        const robot = await loadRobot(request.params.id);
        const query = analyticsWindow(request.query);
        const analytics = await context.store.questionAnalytics(robot.id, query);
        return { robotId: robot.id, ...window(query), ...analytics };
      },
    );

    /** Unanswered questions grouped, with the entry the brain suggested: what to teach next (knowledge/learn). */
    app.get<{ Params: { id: string }; Querystring: WindowQuery & { status?: UnansweredQuery['status'] } }>(
      '/v1/robots/:id/analytics/questions',
      { schema: { params: robotIdParams, querystring: unansweredQuestionsQuery } },
      async (request) => {
        const robot = await loadRobot(request.params.id);
        const query = { ...analyticsWindow(request.query), status: request.query.status ?? 'unanswered' };
        const questions = await context.store.unansweredQuestions(robot.id, query);
        return { robotId: robot.id, ...window(query), status: query.status, questions };
      },
    );
  };
}
