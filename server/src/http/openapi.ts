/**
 * OpenAPI 3.1 from the route schemas (@fastify/swagger), served at `/openapi.json`. Every operation gets the one
 * error shape, whose `code` lists the whole error catalog, so a client generator learns every code we send.
 */
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOG, errorMessage, type ErrorCode } from '@dhkit/protocol';
import { createRequire } from 'node:module';

/** server/package.json, from src/http or dist/http. */
const SERVER_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const ADMIN_PREFIXES = ['/v1/robots', '/v1/audit', '/metrics'];

/** Public routes under an admin prefix's neighbour: these need no key. */
function needsAdminKey(method: string, url: string): boolean {
  if (url === '/v1/sessions' || url.endsWith('/end') || url.endsWith('/channel')) return false;
  if (url.startsWith('/v1/sessions/')) return method !== 'GET';
  return ADMIN_PREFIXES.some((prefix) => url.startsWith(prefix));
}

const errorSchema = {
  type: 'object' as const,
  required: ['error'],
  properties: {
    error: {
      type: 'object' as const,
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string' as const,
          enum: Object.keys(ERROR_CATALOG),
          description: Object.keys(ERROR_CATALOG)
            .map((code) => `${code} (${ERROR_CATALOG[code as ErrorCode].status}): ${errorMessage(code as ErrorCode)}`)
            .join('\n'),
        },
        message: { type: 'string' as const },
        compat: { type: 'string' as const, description: 'The MetaStudio error code, where one exists.' },
      },
    },
  },
};

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'dhkit server',
        version: SERVER_VERSION,
        description: 'The dhkit companion server: admission, sessions, robots, knowledge, analytics, audit, metrics.',
      },
      components: {
        securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'The admin key (DHKIT_ADMIN_KEY).' } },
        schemas: { Error: errorSchema },
      },
    },
    transformObject: (documents) => withChannel(('openapiObject' in documents ? documents.openapiObject : {}) as OpenApiDocument) as never,
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const admin = methods.some((method) => needsAdminKey(method, url));
      const transformed = {
        ...schema,
        response: { default: { description: 'An error from the catalog (see components.schemas.Error)', ...errorSchema } },
        ...(admin ? { security: [{ adminKey: [] }] } : {}),
      };
      return { schema: transformed as typeof schema, url };
    },
  });
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
}

/**
 * @fastify/websocket hides its routes from swagger; the channel is part of the API all the same (its messages are in
 * docs/protocol.md), so it is added by hand.
 */
function withChannel(document: OpenApiDocument): OpenApiDocument {
  document.paths = {
    ...document.paths,
    '/v1/sessions/{id}/channel': {
      get: {
        summary: 'The session channel: a WebSocket upgrade; the first frame is hello {token, protocol} (see docs/protocol.md)',
        tags: ['sessions'],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } }],
        responses: {
          '101': { description: 'Switching protocols: the channel is open' },
          default: {
            description: 'An error from the catalog',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        },
      },
    },
  };
  return document;
}

/** `GET /openapi.json`, public like the API's shape itself. */
export function openApiRoute(app: FastifyInstance): void {
  app.get(
    '/openapi.json',
    { schema: { summary: 'This document: the API as OpenAPI 3.1', tags: ['observability'] } },
    async (_request, reply) => {
      reply.header('Cache-Control', 'no-cache');
      return app.swagger();
    },
  );
}
