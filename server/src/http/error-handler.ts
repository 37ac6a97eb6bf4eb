/** The one place where errors become HTTP responses: `{"error": {code, message}}` with the catalog's status. */
import { ERROR_CATALOG, errorMessage, type ErrorBody, type ErrorCode } from '@dhkit/protocol';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { CodedError } from '../errors.js';
import { mediaTypeMessage } from './media-type-message.js';
import { validationMessage } from './validation-message.js';
import { isStoreUnavailable, OUTAGE_RETRY_AFTER_MS } from '../store/store-unavailable.js';

function errorBody(code: ErrorCode, message = errorMessage(code)): ErrorBody {
  const compat = (ERROR_CATALOG[code] as { compat?: string }).compat;
  return { error: { code, message, ...(compat ? { compat } : {}) } };
}

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(ERROR_CATALOG[code].status).send(errorBody(code, message));
}

/** Maps our coded errors and fastify's own (validation, parsing, limits) onto the catalog; a client mistake is never a 500. */
export function installErrorHandlers(app: FastifyInstance, observers: { onStoreUnavailable?(): void } = {}): void {
  app.setErrorHandler((error: FastifyError | CodedError, request, reply) => {
    if (error instanceof CodedError) {
      if (error.retryAfterMs !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
      return sendError(reply, error.code, error.message);
    }
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'store unavailable');
      observers.onStoreUnavailable?.();
      reply.header('Retry-After', String(Math.ceil(OUTAGE_RETRY_AFTER_MS / 1000)));
      return sendError(reply, 'SERVER_BUSY');
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return sendError(reply, 'INVALID_REQUEST', validationMessage(fastifyError.validation, fastifyError.validationContext));
    }
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 'PAYLOAD_TOO_LARGE');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 'INVALID_REQUEST', mediaTypeMessage(request));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 'INVALID_REQUEST', `Invalid JSON body: ${fastifyError.message}`);
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 413) return sendError(reply, 'PAYLOAD_TOO_LARGE');
    if (status === 404) return sendError(reply, 'NOT_FOUND');
    if (status >= 400 && status < 500) {
      return sendError(reply, 'INVALID_REQUEST', fastifyError.message || undefined);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 'INTERNAL_ERROR');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND'));
}
