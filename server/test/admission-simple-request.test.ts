import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../src/app.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

/**
 * The SDK posts admission as text/plain (a simple cross-origin request: no CORS preflight round trip before a first
 * visit's session); the server reads the same JSON and applies the same checks.
 */
describe('POST /v1/sessions as text/plain', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await createApp({ dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent', demo: true, sdkDir: null });
  });
  afterAll(() => app.close());

  const onceCode = async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/robots/demo/once-codes',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        payload: '{}',
      })
    ).json().onceCode as string;
  const admit = (payload: string, origin = 'https://shop.example') =>
    app.inject({ method: 'POST', url: '/v1/sessions', payload, headers: { 'content-type': 'text/plain;charset=UTF-8', origin } });

  it('admits with the JSON body, with CORS headers for the page', async () => {
    const response = await admit(JSON.stringify({ robotId: 'demo', onceCode: await onceCode() }));
    expect(response.statusCode).toBe(201);
    expect(response.json().sessionId).toEqual(expect.any(String));
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
  });

  it('refuses a body that is not JSON, or JSON of the wrong shape, with INVALID_REQUEST', async () => {
    const notJson = await admit('robotId=demo');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error).toEqual({ code: 'INVALID_REQUEST', message: 'The body must be JSON {"robotId", "onceCode"}.' });
    const missing = await admit('{"robotId":"demo"}');
    expect(missing.json().error).toEqual({ code: 'INVALID_REQUEST', message: 'body/onceCode is required.' });
  });

  it('still spends a once-code only once', async () => {
    const code = await onceCode();
    expect((await admit(JSON.stringify({ robotId: 'demo', onceCode: code }))).statusCode).toBe(201);
    expect((await admit(JSON.stringify({ robotId: 'demo', onceCode: code }))).json().error.code).toBe('ONCE_CODE_INVALID');
  });
});
