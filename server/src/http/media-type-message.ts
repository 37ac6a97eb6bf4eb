/**
 * The message for a body in a content type a route does not take: which type came and which are taken. A route that
 * takes more than JSON says so in its config (`config: { bodyTypes: [...] }`, e.g. the knowledge import's CSV).
 */
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body content types the route takes; default application/json. */
    bodyTypes?: string[];
  }
}

export function mediaTypeMessage(request: FastifyRequest): string {
  const accepted = request.routeOptions.config?.bodyTypes ?? ['application/json'];
  const sent = (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() || 'no content type';
  const takes = accepted.length > 1 ? `${accepted.slice(0, -1).join(', ')} or ${accepted.at(-1)}` : accepted[0];
  const upload =
    sent === 'multipart/form-data' && accepted.includes('text/csv')
      ? ' To import a CSV file, send its text as the body with Content-Type: text/csv (curl --data-binary @file.csv).'
      : sent === 'multipart/form-data'
        ? ' A form upload is not taken here.'
        : '';
  return `The body is ${sent === 'no content type' ? 'sent without a content type' : sent}; this endpoint takes ${takes}.${upload}`;
}
