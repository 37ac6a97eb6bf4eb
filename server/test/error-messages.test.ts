import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOG } from '@dhkit/protocol';
import { createApp } from '../src/app.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

/** What a developer reads when a request is refused: where the fault is, what is allowed, and a catalog code. */
describe('error messages name the fault and what is allowed', () => {
  let app: FastifyInstance;
  let entryId = 0;
  beforeAll(async () => {
    app = await createApp({ dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent', demo: false, sdkDir: null });
    await call('POST', '/v1/robots', { id: 'shop', name: 'Shop', languages: ['en_US'] });
    const imported = await call('POST', '/v1/robots/shop/knowledge', { entries: [{ question: 'hours?', answer: '9 to 5' }] });
    expect(imported.statusCode).toBe(201);
    entryId = (await call('GET', '/v1/robots/shop/knowledge')).json().entries[0].id;
  });
  afterAll(() => app.close());

  function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const type = typeof body === 'string' ? {} : body === undefined ? {} : { 'content-type': 'application/json' };
    return app.inject({ method, url, payload, headers: { ...ADMIN, ...type, ...headers } });
  }
  async function refusal(response: Awaited<ReturnType<typeof call>>) {
    const { code, message } = response.json().error;
    expect(Object.keys(ERROR_CATALOG)).toContain(code);
    expect(response.statusCode).toBe(ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].status);
    return { status: response.statusCode, code, message: message as string };
  }

  it('a body field: its path and its limits', async () => {
    const tooLong = await refusal(await call('POST', '/v1/robots/shop/knowledge/search', { question: 'x'.repeat(2001) }));
    expect(tooLong).toEqual({ status: 400, code: 'INVALID_REQUEST', message: 'body/question must be a string of 1 to 2000 characters.' });
    const wrongType = await refusal(await call('POST', '/v1/robots/shop/knowledge/search', { question: 5 }));
    expect(wrongType.message).toBe('body/question must be a string of 1 to 2000 characters.');
    const missing = await refusal(await call('POST', '/v1/robots/shop/knowledge/search', {}));
    expect(missing.message).toBe('body/question is required.');
    const unknown = await refusal(await call('POST', '/v1/robots/shop/knowledge/search', { question: 'q', top: 3 }));
    expect(unknown.message).toBe('body has an unknown field "top" (allowed: question, limit).');
    const number = await refusal(await call('POST', '/v1/robots/shop/knowledge/search', { question: 'q', limit: 50 }));
    expect(number.message).toBe('body/limit must be an integer from 1 to 20.');
  });

  it('a query parameter is reported as query/…, a path parameter as params/…', async () => {
    const query = await refusal(await call('POST', '/v1/robots/shop/knowledge?mode=merge', { entries: [{ question: 'q', answer: 'a' }] }));
    expect(query.message).toBe('query/mode must be one of "append", "replace".');
    const params = await refusal(await call('GET', '/v1/robots/shop/knowledge/abc'));
    expect(params.message).toBe('params/entryId must be a string matching ^[0-9]{1,15}$.');
  });

  it("a robot's brain: the error of the brain type that was named, not of every other type", async () => {
    const brain = await refusal(await call('PATCH', '/v1/robots/shop', { brain: { type: 'knowledge', threshold: 3 } }));
    expect(brain.message).toBe('body/brain/threshold must be a number from 0 to 1.');
  });

  it('a form upload or a wrong content type: a clear message and INVALID_REQUEST', async () => {
    const form = '--x\r\nContent-Disposition: form-data; name="file"; filename="kb.csv"\r\n\r\nquestion,answer\r\nq,a\r\n--x--\r\n';
    const multipart = await refusal(
      await call('POST', '/v1/robots/shop/knowledge', form, { 'content-type': 'multipart/form-data; boundary=x' }),
    );
    expect(multipart.code).toBe('INVALID_REQUEST');
    expect(multipart.message).toMatch(/multipart\/form-data; this endpoint takes application\/json or text\/csv\./);
    expect(multipart.message).toMatch(/Content-Type: text\/csv/);
    const xml = await refusal(await call('POST', '/v1/robots', '<robot/>', { 'content-type': 'application/xml' }));
    expect(xml.message).toBe('The body is application/xml; this endpoint takes application/json.');
  });

  it('every admin GET, PUT, PATCH and DELETE of a missing thing is 404 with a catalog code', async () => {
    const entry = { question: 'q', answer: 'a' };
    const missing: Array<[Parameters<typeof call>[0], string, unknown?]> = [
      ['GET', '/v1/robots/nobody'],
      ['PATCH', '/v1/robots/nobody', { name: 'x' }],
      ['DELETE', '/v1/robots/nobody'],
      ['POST', '/v1/robots/nobody/once-codes', {}],
      ['GET', '/v1/robots/nobody/hot-questions'],
      ['PUT', '/v1/robots/nobody/hot-questions', { hotQuestions: [] }],
      ['GET', '/v1/robots/nobody/knowledge'],
      ['DELETE', '/v1/robots/nobody/knowledge'],
      ['POST', '/v1/robots/nobody/knowledge', { entries: [entry] }],
      ['POST', '/v1/robots/nobody/knowledge/search', { question: 'q' }],
      ['GET', '/v1/robots/nobody/sessions'],
      ['GET', '/v1/robots/nobody/analytics'],
      ['GET', '/v1/robots/nobody/analytics/questions'],
      ['POST', '/v1/robots/nobody/voice-sample', { language: 'en_US' }],
      ['GET', `/v1/robots/nobody/knowledge/${entryId}`],
      ['GET', `/v1/robots/shop/knowledge/${entryId + 1000}`],
      ['PUT', `/v1/robots/shop/knowledge/${entryId + 1000}`, entry],
      ['PATCH', `/v1/robots/shop/knowledge/${entryId + 1000}`, { answer: 'b' }],
      ['DELETE', `/v1/robots/shop/knowledge/${entryId + 1000}`],
      ['DELETE', '/v1/sessions/00000000-0000-4000-8000-000000000000'],
      ['POST', '/v1/sessions/00000000-0000-4000-8000-000000000000/driven-text', { text: 'hi', isLast: true }],
    ];
    for (const [method, url, body] of missing) {
      const response = await refusal(await call(method, url, body));
      expect(response.status, `${method} ${url}`).toBe(404);
      expect(response.code, `${method} ${url}`).toMatch(/NOT_FOUND$/);
    }
    const noEntry = await refusal(await call('GET', `/v1/robots/shop/knowledge/${entryId + 1000}`));
    expect(noEntry.message).toBe(`Robot "shop" has no knowledge entry ${entryId + 1000}.`);
  });
});
