/**
 * Request logs for routine requests at debug, not info: one page load fetches the SDK, its chunks and a dozen avatar
 * pictures, and a load balancer or Prometheus polls `/healthz` and `/metrics` every few seconds; at info they would
 * drown the lines an operator reads (docs/logging.md). Errors stay errors.
 */
import { LogController } from 'fastify';

const STATIC_PREFIXES = ['/sdk/', '/avatars/', '/demo/'];
/** Under a static prefix but not a file: logged at info like the rest of the API. */
const NOT_STATIC = new Set(['/demo/once-code']);
/** Polled by machines, not asked by people. */
const PROBES = new Set(['/healthz', '/metrics']);

function isRoutineUrl(url: string): boolean {
  const pathname = url.split('?', 1)[0] ?? '';
  if (PROBES.has(pathname)) return true;
  return STATIC_PREFIXES.some((prefix) => pathname.startsWith(prefix)) && !NOT_STATIC.has(pathname);
}

type RequestArgs = Parameters<LogController['incomingRequest']>;
type CompletedArgs = Parameters<LogController['requestCompleted']>;

export class RoutineRequestsAtDebug extends LogController {
  override incomingRequest(...args: RequestArgs): void {
    const [request] = args;
    if (!isRoutineUrl(request.url)) return super.incomingRequest(...args);
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(...args: CompletedArgs): void {
    const [error, request, reply] = args;
    if (error || !isRoutineUrl(request.url)) return super.requestCompleted(...args);
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
