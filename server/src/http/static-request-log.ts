/**
 * Request logs for static files at debug, not info: one page load fetches the SDK, its chunks and a dozen avatar
 * pictures, and at info they would drown the lines an operator reads (docs/logging.md). Errors stay errors.
 */
import { LogController } from 'fastify';

const STATIC_PREFIXES = ['/sdk/', '/avatars/', '/demo/'];
/** Under a static prefix but not a file: logged at info like the rest of the API. */
const NOT_STATIC = new Set(['/demo/once-code']);

function isStaticAssetUrl(url: string): boolean {
  const pathname = url.split('?', 1)[0] ?? '';
  return STATIC_PREFIXES.some((prefix) => pathname.startsWith(prefix)) && !NOT_STATIC.has(pathname);
}

type RequestArgs = Parameters<LogController['incomingRequest']>;
type CompletedArgs = Parameters<LogController['requestCompleted']>;

export class StaticFilesAtDebug extends LogController {
  override incomingRequest(...args: RequestArgs): void {
    const [request] = args;
    if (!isStaticAssetUrl(request.url)) return super.incomingRequest(...args);
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(...args: CompletedArgs): void {
    const [error, request, reply] = args;
    if (error || !isStaticAssetUrl(request.url)) return super.requestCompleted(...args);
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
