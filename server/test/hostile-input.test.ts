// Every route, every kind of bad input, over real HTTP: the answer is a 4xx with a catalog code, never a
// 500, and the server keeps serving. Routes are listed here once; a new route belongs in ROUTES.
import { ERROR_CATALOG, isErrorCode } from '@dhkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let server: RunningServer;
let sessionId: string;

/** fetch against the running server, shaped like the answers the assertions read. */
async function send(method: string, url: string, headers: Record<string, string>, payload?: string) {
  const response = await fetch(server.url + url, { method, headers, body: method === 'GET' || method === 'DELETE' ? undefined : payload });
  const body = await response.text();
  return { statusCode: response.status, body, json: () => JSON.parse(body) };
}

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: () => string;
  admin: boolean;
  /** Takes a JSON body. */
  body: boolean;
}

const ROUTES: RouteCase[] = [
  { method: 'POST', url: () => '/v1/robots', admin: true, body: true },
  { method: 'GET', url: () => '/v1/robots', admin: true, body: false },
  { method: 'GET', url: () => '/v1/robots/demo', admin: true, body: false },
  { method: 'POST', url: () => '/v1/robots/demo/once-codes', admin: true, body: true },
  { method: 'POST', url: () => '/v1/robots/demo/knowledge', admin: true, body: true },
  { method: 'GET', url: () => '/v1/robots/demo/knowledge', admin: true, body: false },
  { method: 'DELETE', url: () => '/v1/robots/no-such-robot/knowledge', admin: true, body: false },
  { method: 'GET', url: () => '/v1/robots/demo/knowledge/1', admin: true, body: false },
  { method: 'PUT', url: () => '/v1/robots/demo/knowledge/1', admin: true, body: true },
  { method: 'PATCH', url: () => '/v1/robots/demo/knowledge/1', admin: true, body: true },
  { method: 'DELETE', url: () => '/v1/robots/demo/knowledge/999999', admin: true, body: false },
  { method: 'GET', url: () => '/v1/robots/demo/hot-questions', admin: true, body: false },
  { method: 'PUT', url: () => '/v1/robots/demo/hot-questions', admin: true, body: true },
  { method: 'GET', url: () => '/v1/robots/demo/analytics', admin: true, body: false },
  { method: 'POST', url: () => `/v1/sessions/${sessionId}/driven-text`, admin: true, body: true },
  { method: 'POST', url: () => '/v1/sessions', admin: false, body: true },
  { method: 'POST', url: () => '/demo/once-code', admin: false, body: false },
  { method: 'PATCH', url: () => '/v1/robots/demo', admin: true, body: true },
  { method: 'DELETE', url: () => '/v1/robots/no-such-robot', admin: true, body: false },
  { method: 'GET', url: () => '/v1/robots/demo/sessions', admin: true, body: false },
  { method: 'DELETE', url: () => '/v1/sessions/s_no_such_session', admin: true, body: false },
  { method: 'POST', url: () => `/v1/sessions/${sessionId}/end`, admin: false, body: true },
];

const HOSTILE_BODIES: Array<[string, string, string]> = [
  ['malformed JSON', 'application/json', '{"name": '],
  ['a JSON string', 'application/json', '"just a string"'],
  ['a JSON number', 'application/json', '42'],
  ['an array', 'application/json', '[{"robotId":"demo"}]'],
  ['prototype pollution', 'application/json', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
  ['deep nesting', 'application/json', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
  ['wrong types', 'application/json', '{"robotId":1,"onceCode":[],"text":{},"isLast":"yes","entries":"x","ttlSeconds":"9","name":5}'],
  [
    'huge strings',
    'application/json',
    JSON.stringify({ robotId: 'r'.repeat(20_000), onceCode: 'c'.repeat(20_000), text: 't'.repeat(20_000) }),
  ],
  ['oversize body', 'application/json', JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) })],
  ['form encoding', 'application/x-www-form-urlencoded', 'robotId=demo&onceCode=x'],
  ['plain text', 'text/plain', '{"robotId":"demo"}'],
  ['binary', 'application/octet-stream', '\u0000\u0001\u0002'],
  ['multipart', 'multipart/form-data; boundary=x', '--x--'],
  ['query operators', 'application/json', JSON.stringify({ robotId: { $ne: 1 }, onceCode: ['a'], name: 7, concurrency: 1e9, token: 5 })],
  [
    'SQL and path injection',
    'application/json',
    JSON.stringify({ robotId: '../../etc/passwd', onceCode: "' OR 1=1 --", token: "' OR 1=1 --", name: '\u0000' }),
  ],
  ['out-of-range numbers', 'application/json', '{"robotId":"demo","onceCode":"x","ttlSeconds":1e309,"concurrency":-1}'],
];

function expectCatalogError(response: { statusCode: number; body: string }, label: string) {
  expect(response.statusCode, `${label}: status`).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, `${label}: status`).toBeLessThan(500);
  const body = JSON.parse(response.body);
  expect(isErrorCode(body.error?.code), `${label}: code ${body.error?.code}`).toBe(true);
  expect(ERROR_CATALOG[body.error.code as keyof typeof ERROR_CATALOG].status).toBe(response.statusCode);
}

beforeAll(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: true, logLevel: 'silent' });
  const code = await send('POST', '/v1/robots/demo/once-codes', ADMIN);
  const admitted = await send(
    'POST',
    '/v1/sessions',
    { 'content-type': 'application/json' },
    JSON.stringify({ robotId: 'demo', onceCode: code.json().onceCode }),
  );
  sessionId = admitted.json().sessionId;
});
afterAll(() => server.close());

describe('hostile input on every route', () => {
  for (const route of ROUTES.filter((r) => r.body)) {
    it.each(HOSTILE_BODIES)(`${route.method} ${route.url.name || 'route'} %s`, async (label, contentType, payload) => {
      const response = await send(route.method, route.url(), { ...(route.admin ? ADMIN : {}), 'content-type': contentType }, payload);
      // Routes without a body accept an empty one; every body here is wrong for every body-taking route.
      expectCatalogError(response, `${route.method} ${route.url()} with ${label}`);
    });
  }

  it.each(['/v1/robots', '/v1/sessions', `/v1/robots/demo/knowledge`])('a JSON null body is refused by %s', async (url) => {
    const response = await send('POST', url, { ...ADMIN, 'content-type': 'application/json' }, 'null');
    expectCatalogError(response, `${url} with null`);
  });

  it.each(ROUTES.filter((r) => r.admin))('$method $url admin route refuses missing, wrong and malformed keys', async (route) => {
    for (const authorization of [undefined, 'Bearer wrong', 'Basic abc', 'Bearer', `Bearer ${'x'.repeat(10_000)}`, 'bearer  ']) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization !== undefined) headers.authorization = authorization;
      const response = await send(route.method, route.url(), headers, route.body ? '{}' : undefined);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it.each([
    '/v1/robots/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    `/v1/robots/${'a'.repeat(300)}`,
    '/v1/robots/demo%00',
    '/v1/robots/%E0%A4%A/sessions',
    '/v1/sessions/%00%ff',
    '/v1/robots/<script>',
    "/v1/robots/' OR 1=1 --",
  ])('odd robot ids in the path are answered cleanly: %s', async (url) => {
    const response = await send('GET', url, ADMIN);
    expectCatalogError(response, url);
  });

  it.each(['/sdk/../../package.json', '/sdk/%2e%2e/%2e%2e/package.json', '/demo/../../../etc/passwd', '/sdk/%00'])(
    'static routes refuse path traversal: %s',
    async (url) => {
      const response = await send('GET', url, {});
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.body).not.toContain('"workspaces"');
      expect(response.body).not.toContain('root:');
    },
  );

  it('keeps serving after all of that', async () => {
    const health = await send('GET', '/healthz', {});
    expect(health.statusCode).toBe(200);
    const code = await send('POST', '/v1/robots/demo/once-codes', ADMIN);
    expect(code.statusCode).toBe(201);
  });
});
