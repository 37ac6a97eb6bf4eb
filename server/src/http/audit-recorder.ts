/**
 * Records every successful admin change in the audit log (store/audit-log.ts): one onResponse hook over all routes,
 * so a route added later is recorded without touching it. Reads (GET), the knowledge test box and driven text are
 * not changes; a refused request changed nothing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from './context.js';

/** Route patterns (method + route) and the action each records; other admin writes record `METHOD route`. */
const ACTIONS: Record<string, string> = {
  'POST /v1/robots': 'robot.create',
  'PATCH /v1/robots/:id': 'robot.update',
  'DELETE /v1/robots/:id': 'robot.delete',
  'PUT /v1/robots/:id/hot-questions': 'robot.hotQuestions',
  'POST /v1/robots/:id/once-codes': 'onceCode.issue',
  'POST /v1/robots/:id/knowledge': 'knowledge.import',
  'DELETE /v1/robots/:id/knowledge': 'knowledge.clear',
  'POST /v1/robots/:id/knowledge/documents': 'knowledge.importDocument',
  'POST /v1/robots/:id/knowledge/learn': 'knowledge.learn',
  'PUT /v1/robots/:id/knowledge/:entryId': 'knowledge.replace',
  'PATCH /v1/robots/:id/knowledge/:entryId': 'knowledge.update',
  'DELETE /v1/robots/:id/knowledge/:entryId': 'knowledge.delete',
  'DELETE /v1/sessions/:id': 'session.kick',
};

/** Admin writes that change nothing. */
const NOT_CHANGES = new Set(['POST /v1/robots/:id/knowledge/search', 'POST /v1/sessions/:id/driven-text']);

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function actionOf(method: string, route: string): string | null {
  const key = `${method} ${route}`;
  if (ACTIONS[key]) return ACTIONS[key];
  if (NOT_CHANGES.has(key) || !route.startsWith('/v1/robots')) return null;
  return key;
}

/** What the change was: the request's fields; a bulk import only as its size (the entries are in the knowledge base). */
function detailsOf(action: string, request: FastifyRequest): unknown {
  const body = request.body;
  const query = request.query as Record<string, unknown> | undefined;
  if (action === 'knowledge.import') {
    const entries = body && typeof body === 'object' && Array.isArray((body as { entries?: unknown }).entries);
    const count = entries ? (body as { entries: unknown[] }).entries.length : null;
    const mode = (body as { mode?: string } | undefined)?.mode ?? query?.mode ?? 'append';
    return { format: entries ? 'json' : 'csv', entries: count, mode };
  }
  if (action === 'knowledge.importDocument') return { document: true };
  return body === undefined || typeof body === 'string' ? null : body;
}

/**
 * The onResponse hook. A callback hook, not an async one: it runs after every request (admissions too), and most
 * requests are no admin change; only those wait for their audit row.
 */
export function auditRecorder(context: AppContext) {
  return function recordAdminChange(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    if (!WRITES.has(request.method) || reply.statusCode >= 300) return done();
    const route = request.routeOptions.url;
    const action = route ? actionOf(request.method, route) : null;
    if (!route || !action) return done();
    void recordAudit(context, request, reply, route, action).finally(done);
  };
}

async function recordAudit(
  context: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  route: string,
  action: string,
): Promise<void> {
  const params = (request.params ?? {}) as Record<string, string>;
  const isSessionRoute = route.startsWith('/v1/sessions');
  try {
    await context.store.recordAudit({
      at: Date.now(),
      action,
      method: request.method,
      route,
      robotId: isSessionRoute ? ((await context.store.getSession(params.id))?.robotId ?? null) : (params.id ?? createdIdOf(reply)),
      target: params.entryId ?? params.id ?? createdIdOf(reply),
      status: reply.statusCode,
      details: detailsOf(action, request),
    });
    context.metrics.recordAdminChange(action);
  } catch (error) {
    request.log.warn({ err: error, action }, 'could not record the admin change in the audit log');
  }
}

const CREATED_ID = Symbol('auditCreatedId');
type WithCreatedId = FastifyReply & { [CREATED_ID]?: string };

function createdIdOf(reply: FastifyReply): string | null {
  return (reply as WithCreatedId)[CREATED_ID] ?? null;
}

/** onSend hook (a callback one: it runs for every answer): a robot just created has its id in no URL, only in the answer. */
export function rememberCreatedRobot(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: Error | null, value?: unknown) => void,
): void {
  if (request.method === 'POST' && request.routeOptions.url === '/v1/robots' && reply.statusCode === 201 && typeof payload === 'string') {
    try {
      const id = (JSON.parse(payload) as { id?: unknown }).id;
      if (typeof id === 'string') (reply as WithCreatedId)[CREATED_ID] = id;
    } catch {
      // Not JSON: nothing to remember.
    }
  }
  done(null, payload);
}
