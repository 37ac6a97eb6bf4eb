/** Admin API: what visitors asked a robot, how often it could answer, and how fast it started speaking. */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { adminGuard } from './admin-auth.js';
import type { AnalyticsQuery, UnansweredQuery } from '../store/store.js';
import { analyticsQuery, robotIdParams, slowestTurnsQuery, unansweredQuestionsQuery } from './schemas.js';

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
type PagedWindowQuery = WindowQuery & { offset?: string };

/** The window and row limit of an analytics request. */
function analyticsWindow(query: WindowQuery): AnalyticsQuery {
  const to = parseTime(query.to, 'to', Date.now());
  const from = parseTime(query.from, 'from', to - DEFAULT_ANALYTICS_WINDOW_MS);
  if (from >= to) throw new CodedError('INVALID_REQUEST', 'from must be before to.');
  const limit = query.limit === undefined ? DEFAULT_ANALYTICS_LIMIT : Number(query.limit);
  if (limit < 1 || limit > MAX_ANALYTICS_LIMIT) throw new CodedError('INVALID_REQUEST', `limit must be 1..${MAX_ANALYTICS_LIMIT}.`);
  return { from, to, limit };
}

/** The page of `rows` (read with one extra row) and the offset of the next page, null on the last. */
function nextPage<T>(rows: T[], { limit, offset }: { limit: number; offset: number }): { rows: T[]; nextOffset: number | null } {
  return { rows: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
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

    /**
     * Unanswered questions grouped, with the entry the brain suggested: what to teach next (knowledge/learn). Paged:
     * one row more than asked for is read to tell whether a next page exists.
     */
    app.get<{ Params: { id: string }; Querystring: PagedWindowQuery & { status?: UnansweredQuery['status'] } }>(
      '/v1/robots/:id/analytics/questions',
      { schema: { params: robotIdParams, querystring: unansweredQuestionsQuery } },
      async (request) => {
        const robot = await loadRobot(request.params.id);
        const query = {
          ...analyticsWindow(request.query),
          status: request.query.status ?? 'unanswered',
          offset: Number(request.query.offset ?? 0),
        };
        const rows = await context.store.unansweredQuestions(robot.id, { ...query, limit: query.limit + 1 });
        const page = nextPage(rows, query);
        return { robotId: robot.id, ...window(query), status: query.status, questions: page.rows, nextOffset: page.nextOffset };
      },
    );

    /** The slowest turns (question → first audio) with their stages: where a slow answer's time went. */
    app.get<{ Params: { id: string }; Querystring: PagedWindowQuery }>(
      '/v1/robots/:id/analytics/slowest-turns',
      { schema: { params: robotIdParams, querystring: slowestTurnsQuery } },
      async (request) => {
        const robot = await loadRobot(request.params.id);
        const query = { ...analyticsWindow(request.query), offset: Number(request.query.offset ?? 0) };
        const rows = await context.store.slowestTurns(robot.id, { ...query, limit: query.limit + 1 });
        const page = nextPage(rows, query);
        return { robotId: robot.id, ...window(query), turns: page.rows, nextOffset: page.nextOffset };
      },
    );
  };
}
