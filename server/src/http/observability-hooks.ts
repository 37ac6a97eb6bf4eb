/**
 * Hooks that make requests traceable and admissions countable: every answer carries its request id
 * (`X-Request-Id`, taken from the caller when it sent a sane one), every log line of a request on a session's
 * route names the session, and admissions are counted by outcome for /metrics.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerMetrics } from '../observability/metrics.js';

/** A caller's request id is kept only when it cannot garble a log line or a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** fastify's genReqId: the caller's X-Request-Id (a proxy's), else a fresh UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Callback hooks, not async ones: they run on every request, and an async hook costs a promise and a microtask each. */
export function installObservabilityHooks(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    const sessionId = sessionIdOf(request);
    if (sessionId) request.log = request.log.child({ sessionId });
    done();
  });
  app.addHook(
    'onSend',
    (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, value?: unknown) => void) => {
      reply.header('X-Request-Id', request.id);
      if (request.method === 'POST' && request.routeOptions.url === '/v1/sessions') countAdmission(metrics, request, reply, payload);
      done(null, payload);
    },
  );
}

function sessionIdOf(request: FastifyRequest): string | null {
  const match = /^\/v1\/sessions\/([^/?]+)/.exec(request.url);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]).slice(0, 100);
  } catch {
    return null;
  }
}

function countAdmission(metrics: ServerMetrics, request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  // An admission is for the robot its (validated) body names; only refusals need their answer read for the code.
  if (reply.statusCode === 201) return metrics.recordAdmission((request.body as { robotId?: string } | undefined)?.robotId ?? 'unknown');
  if (typeof payload !== 'string') return;
  try {
    const body = JSON.parse(payload) as { robot?: { id?: string }; error?: { code?: string } };
    if (reply.statusCode === 201) metrics.recordAdmission(body.robot?.id ?? 'unknown');
    else metrics.recordRefusal(body.error?.code ?? `HTTP_${reply.statusCode}`);
  } catch {
    metrics.recordRefusal(`HTTP_${reply.statusCode}`);
  }
}
