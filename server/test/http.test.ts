import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let app: FastifyInstance;
let sdkDir: string;

beforeAll(async () => {
  sdkDir = tempDir();
  fs.writeFileSync(path.join(sdkDir, 'dhkit.umd.js'), 'window.DHKit={};');
  app = await createApp({ dataDir: tempDir(), adminKey: ADMIN_KEY, demo: true, logLevel: 'silent', sdkDir });
});
afterAll(() => app.close());

const json = (body: unknown) => ({ 'content-type': 'application/json', payload: JSON.stringify(body) });

async function post(url: string, body: unknown, headers: Record<string, string> = ADMIN) {
  const { payload, ...contentType } = json(body);
  return app.inject({ method: 'POST', url, headers: { ...headers, ...contentType }, payload });
}

async function onceCode(robotId = 'demo', ttlSeconds?: number): Promise<string> {
  const response = await post(`/v1/robots/${robotId}/once-codes`, ttlSeconds ? { ttlSeconds } : {});
  expect(response.statusCode).toBe(201);
  return response.json().onceCode;
}

function expectError(response: { statusCode: number; json(): any }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.json().error.code).toBe(code);
  expect(typeof response.json().error.message).toBe('string');
}

describe('HTTP basics', () => {
  it('health, 404 and security headers', async () => {
    const health = await app.inject('/healthz');
    // {"status", "checks"} since the second round (the speech engine is one of the checks).
    expect(health.json()).toMatchObject({ status: 'ok', checks: { speech: { status: 'ok', problems: [] } } });
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expectError(await app.inject('/nope'), 404, 'NOT_FOUND');
    expectError(await app.inject({ method: 'DELETE', url: '/healthz' }), 404, 'NOT_FOUND');
  });
});

describe('admin auth', () => {
  it('refuses missing and wrong keys', async () => {
    expectError(await app.inject('/v1/robots'), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ url: '/v1/robots', headers: { authorization: 'Bearer wrong' } }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ url: '/v1/robots', headers: { authorization: ADMIN_KEY } }), 401, 'UNAUTHORIZED');
    expectError(await post('/v1/robots', { name: 'x' }, {}), 401, 'UNAUTHORIZED');
    expect((await app.inject({ url: '/v1/robots', headers: ADMIN })).statusCode).toBe(200);
  });

  it('generates a key on a fresh data dir and keeps only its hash', async () => {
    const dir = tempDir();
    const fresh = await createApp({ dataDir: dir, logLevel: 'silent', demo: false });
    const key = fresh.dhkit.adminKey.generated!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await fresh.inject({ url: '/v1/robots', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    await fresh.close();
    expect(fs.readFileSync(path.join(dir, 'dhkit.sqlite')).includes(key)).toBe(false);
    const again = await createApp({ dataDir: dir, logLevel: 'silent' });
    expect(again.dhkit.adminKey).toMatchObject({ source: 'stored' });
    // Demo mode is on at every start unless turned off (it used to be on for a new data dir only).
    expect(again.dhkit.demo).toBe(true);
    expect((await again.inject({ url: '/v1/robots', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    await again.close();
  });
});

describe('robots', () => {
  it('creates with defaults, lists and gets', async () => {
    const created = await post('/v1/robots', { id: 'shop', name: 'Shop', languages: ['en_US'] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'shop',
      concurrency: 1,
      defaultLanguage: 'en_US',
      voices: { en_US: 'en-us' },
      brain: { type: 'knowledge' },
      allowedOrigins: ['*'],
      mediaAllowlist: [],
      aiLabel: true,
      idleTimeoutSeconds: 300,
      maxSessionSeconds: 1800,
      hotQuestions: [],
    });
    const generated = await post('/v1/robots', { name: 'Anon' });
    expect(generated.json().id).toMatch(/^[a-z0-9_-]{1,64}$/);
    expect((await app.inject({ url: '/v1/robots/shop', headers: ADMIN })).json().name).toBe('Shop');
    const list = (await app.inject({ url: '/v1/robots', headers: ADMIN })).json();
    expect(list.robots.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['demo', 'shop']));
    expectError(await app.inject({ url: '/v1/robots/missing', headers: ADMIN }), 404, 'ROBOT_NOT_FOUND');
  });

  it.each([
    ['duplicate id', { id: 'demo', name: 'x' }],
    ['missing name', { id: 'nameless' }],
    ['bad id', { id: 'Bad Id!', name: 'x' }],
    ['wrong type', { name: 'x', concurrency: '5' }],
    ['out of range', { name: 'x', concurrency: 2000 }],
    ['unknown language', { name: 'x', languages: ['fr_FR'] }],
    ['default not in languages', { name: 'x', languages: ['en_US'], defaultLanguage: 'zh_CN' }],
    ['unknown field', { name: 'x', colour: 'red' }],
    ['not an object', [1, 2]],
  ])('refuses %s with INVALID_REQUEST', async (_label, body) => {
    expectError(await post('/v1/robots', body), 400, 'INVALID_REQUEST');
  });

  it('refuses malformed JSON, wrong content-type, empty and oversize bodies', async () => {
    const send = (payload: string, contentType: string) =>
      app.inject({ method: 'POST', url: '/v1/robots', headers: { ...ADMIN, 'content-type': contentType }, payload });
    expectError(await send('{"name": ', 'application/json'), 400, 'INVALID_REQUEST');
    expectError(await send('name=x', 'application/x-www-form-urlencoded'), 400, 'INVALID_REQUEST');
    expectError(await send('{"name":"x"}', 'text/plain'), 400, 'INVALID_REQUEST');
    expectError(await send('', 'application/json'), 400, 'INVALID_REQUEST');
    expectError(await send(JSON.stringify({ name: 'x'.repeat(100_000) }), 'application/json'), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('robot voices', () => {
  it.each([
    [{ zh_CN: 'en-us' }, 'zh_CN'],
    [{ en_US: 'cmn' }, 'en_US'],
    [{ en_US: 'fr' }, 'en_US'],
  ])('refuses an espeak-ng voice that does not speak the language: %j', async (voices, language) => {
    const response = await post('/v1/robots', { name: 'Mismatch', voices });
    expectError(response, 400, 'INVALID_REQUEST');
    expect(response.json().error.message).toContain(`voices.${language}`);
  });

  it('accepts matching voices and any voice of a multilingual engine; PATCH is checked too', async () => {
    expect((await post('/v1/robots', { id: 'voiced', name: 'Voiced', voices: { zh_CN: 'yue', en_US: 'en-gb-scotland' } })).statusCode).toBe(
      201,
    );
    const openai = await post('/v1/robots', {
      name: 'Cloud',
      voices: { zh_CN: 'alloy', en_US: 'alloy' },
      tts: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
    });
    expect(openai.statusCode).toBe(201);
    const patched = await app.inject({
      method: 'PATCH',
      url: '/v1/robots/voiced',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      payload: JSON.stringify({ voices: { zh_CN: 'en-us' } }),
    });
    expectError(patched, 400, 'INVALID_REQUEST');
  });
});

describe('robot secrets', () => {
  const KEY = 'sk-proj-brain-0123456789abcd';
  const TTS_KEY = 'sk-tts-0123456789efgh';
  const ASR_KEY = 'sk-asr-0123456789ijkl';
  const WEBHOOK_SECRET = 'whsec_0123456789mnop';

  it('never answers secrets in clear, and a masked value sent back keeps the stored secret', async () => {
    const created = await post('/v1/robots', {
      id: 'secretive',
      name: 'Secretive',
      brain: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: KEY },
      tts: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: TTS_KEY },
      asr: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: ASR_KEY },
      pacify: { enabled: true, triggerMs: 800, phrases: { en_US: ['One moment.'] } },
    });
    expect(created.statusCode).toBe(201);
    const answers = [
      created.body,
      (await app.inject({ method: 'GET', url: '/v1/robots/secretive', headers: ADMIN })).body,
      (await app.inject({ method: 'GET', url: '/v1/robots', headers: ADMIN })).body,
    ];
    for (const body of answers) {
      for (const secret of [KEY, TTS_KEY, ASR_KEY]) expect(body).not.toContain(secret);
    }
    const shown = created.json();
    expect(shown.brain.apiKey).toBe('sk-…abcd');
    expect(shown.tts.apiKey).toBe('sk-…efgh');
    expect(shown.asr.apiKey).toBe('sk-…ijkl');
    expect(shown.pacify).toEqual({ enabled: true, triggerMs: 800, phrases: { en_US: ['One moment.'] } });

    // An admin screen sends back what it was shown: the stored secrets stay.
    const patched = await app.inject({
      method: 'PATCH',
      url: '/v1/robots/secretive',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      payload: JSON.stringify({ brain: { ...shown.brain, model: 'm2' }, tts: shown.tts, asr: shown.asr }),
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.body).not.toContain(KEY);
    const stored = await (app as any).dhkit.context.store.getRobot('secretive');
    expect(stored.brain).toMatchObject({ model: 'm2', apiKey: KEY });
    expect(stored.tts.apiKey).toBe(TTS_KEY);
    expect(stored.asr.apiKey).toBe(ASR_KEY);

    // A webhook secret is masked too; a new clear value replaces the old one.
    await app.inject({
      method: 'PATCH',
      url: '/v1/robots/secretive',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      payload: JSON.stringify({ brain: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: WEBHOOK_SECRET } }),
    });
    const webhook = await app.inject({ method: 'GET', url: '/v1/robots/secretive', headers: ADMIN });
    expect(webhook.body).not.toContain(WEBHOOK_SECRET);
    expect((await (app as any).dhkit.context.store.getRobot('secretive')).brain.secret).toBe(WEBHOOK_SECRET);
  });
});

describe('knowledge', () => {
  it('imports, lists and validates entries', async () => {
    await post('/v1/robots', { id: 'kb', name: 'KB' });
    const imported = await post('/v1/robots/kb/knowledge', {
      entries: [
        { question: '几点开门', answer: '九点。' },
        { question: 'hi', answer: 'Hello.', similarQuestions: ['hey'] },
      ],
    });
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toEqual({ imported: 2, mode: 'append' });
    const list = (await app.inject({ url: '/v1/robots/kb/knowledge', headers: ADMIN })).json();
    expect(list.entries).toMatchObject([
      { question: '几点开门', language: 'zh_CN' },
      { question: 'hi', language: 'en_US', similarQuestions: ['hey'] },
    ]);
    expectError(await post('/v1/robots/kb/knowledge', { entries: [] }), 400, 'INVALID_REQUEST');
    expectError(await post('/v1/robots/kb/knowledge', { entries: [{ question: 'q' }] }), 400, 'INVALID_REQUEST');
    expectError(
      await post('/v1/robots/kb/knowledge', { entries: [{ question: 'q', answer: 'a', language: 'xx' }] }),
      400,
      'INVALID_REQUEST',
    );
    expectError(await post('/v1/robots/missing/knowledge', { entries: [{ question: 'q', answer: 'a' }] }), 404, 'ROBOT_NOT_FOUND');
    expectError(await app.inject({ url: '/v1/robots/missing/knowledge', headers: ADMIN }), 404, 'ROBOT_NOT_FOUND');
  });

  it('seeds the demo knowledge base with both languages', async () => {
    const { entries } = (await app.inject({ url: '/v1/robots/demo/knowledge', headers: ADMIN })).json();
    expect(entries.length).toBeGreaterThanOrEqual(20);
    expect(entries.filter((e: { language: string }) => e.language === 'zh_CN').length).toBeGreaterThanOrEqual(10);
    expect(entries.filter((e: { language: string }) => e.language === 'en_US').length).toBeGreaterThanOrEqual(10);
  });
});

describe('once-codes and admission', () => {
  it('mints codes, default body optional, validates ttl', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/robots/demo/once-codes', headers: ADMIN });
    expect(response.statusCode).toBe(201);
    const { onceCode, expiresAt } = response.json();
    expect(onceCode).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(290_000);
    expectError(await post('/v1/robots/demo/once-codes', { ttlSeconds: 1 }), 400, 'INVALID_REQUEST');
    expectError(await post('/v1/robots/demo/once-codes', { ttlSeconds: 'x' }), 400, 'INVALID_REQUEST');
    expectError(await post('/v1/robots/missing/once-codes', {}), 404, 'ROBOT_NOT_FOUND');
  });

  it('admits once per code and returns the session info', async () => {
    const code = await onceCode();
    const first = await post('/v1/sessions', { robotId: 'demo', onceCode: code }, {});
    expect(first.statusCode).toBe(201);
    const info = first.json();
    expect(info).toMatchObject({
      protocol: 1,
      mediaMode: 'local',
      heartbeatIntervalMs: 10000,
      language: 'zh_CN',
      robot: { id: 'demo', aiLabel: true },
    });
    expect(info.jobId).toBe(info.sessionId);
    expect(info.channelPath).toBe(`/v1/sessions/${info.sessionId}/channel`);
    expect(info.robot).not.toHaveProperty('voices');
    expectError(await post('/v1/sessions', { robotId: 'demo', onceCode: code }, {}), 401, 'ONCE_CODE_INVALID');
  });

  it('refuses expired codes, codes of another robot, unknown robots and languages', async () => {
    await post('/v1/robots', { id: 'other', name: 'Other', languages: ['en_US'] });
    expectError(await post('/v1/sessions', { robotId: 'other', onceCode: await onceCode('demo') }, {}), 401, 'ONCE_CODE_INVALID');
    expectError(await post('/v1/sessions', { robotId: 'demo', onceCode: 'made-up' }, {}), 401, 'ONCE_CODE_INVALID');
    expectError(await post('/v1/sessions', { robotId: 'nobody', onceCode: 'x' }, {}), 404, 'ROBOT_NOT_FOUND');
    expectError(
      await post('/v1/sessions', { robotId: 'other', onceCode: await onceCode('other'), language: 'zh_CN' }, {}),
      400,
      'LANGUAGE_NOT_SUPPORTED',
    );
    expectError(await post('/v1/sessions', { robotId: 'demo' }, {}), 400, 'INVALID_REQUEST');
    const expiring = await onceCode('demo', 5);
    const realNow = Date.now;
    Date.now = () => realNow() + 6000;
    try {
      expectError(await post('/v1/sessions', { robotId: 'demo', onceCode: expiring }, {}), 401, 'ONCE_CODE_INVALID');
    } finally {
      Date.now = realNow;
    }
  });

  it('enforces the concurrency limit', async () => {
    await post('/v1/robots', { id: 'solo', name: 'Solo', concurrency: 1 });
    expect((await post('/v1/sessions', { robotId: 'solo', onceCode: await onceCode('solo') }, {})).statusCode).toBe(201);
    expectError(await post('/v1/sessions', { robotId: 'solo', onceCode: await onceCode('solo') }, {}), 429, 'CONCURRENCY_LIMIT');
    await post('/v1/robots', { id: 'closed', name: 'Closed', concurrency: 0 });
    expectError(await post('/v1/sessions', { robotId: 'closed', onceCode: await onceCode('closed') }, {}), 429, 'CONCURRENCY_LIMIT');
  });

  it('checks the origin and answers CORS', async () => {
    await post('/v1/robots', { id: 'site', name: 'Site', concurrency: 5, allowedOrigins: ['https://shop.example'] });
    const refused = await post('/v1/sessions', { robotId: 'site', onceCode: await onceCode('site') }, { origin: 'https://evil.example' });
    expectError(refused, 403, 'ORIGIN_NOT_ALLOWED');
    // The page's developer learns which origin was refused (not the robot's list).
    expect(refused.json().error.message).toContain('https://evil.example is not in the robot');
    expect(refused.json().error.message).not.toContain('shop.example');
    expect(refused.headers['access-control-allow-origin']).toBe('https://evil.example');
    const allowed = await post('/v1/sessions', { robotId: 'site', onceCode: await onceCode('site') }, { origin: 'https://shop.example' });
    expect(allowed.statusCode).toBe(201);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/sessions',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('Content-Type');
  });

  it('driven-text route: auth, unknown and ended sessions, validation', async () => {
    expectError(await post('/v1/sessions/nope/driven-text', { text: 'hi', isLast: true }, {}), 401, 'UNAUTHORIZED');
    expectError(await post('/v1/sessions/nope/driven-text', { text: 'hi', isLast: true }), 404, 'SESSION_NOT_FOUND');
    expectError(await post('/v1/sessions/nope/driven-text', { text: 'hi' }), 400, 'INVALID_REQUEST');
    const info = (await post('/v1/sessions', { robotId: 'demo', onceCode: await onceCode() }, {})).json();
    app.dhkit.context.registry.get(info.sessionId)!.end('KICKED');
    expectError(await post(`/v1/sessions/${info.sessionId}/driven-text`, { text: 'hi', isLast: true }), 410, 'SESSION_ENDED');
  });
});

describe('static files and demo', () => {
  it('serves the SDK with a JS content type, 404 for missing files', async () => {
    const sdk = await app.inject('/sdk/dhkit.umd.js');
    expect(sdk.statusCode).toBe(200);
    expect(sdk.headers['content-type']).toMatch(/javascript/);
    // Issue 13: the unversioned entry revalidates (strong ETag, 304); `?v=<build id>` URLs are the cached ones.
    expect(sdk.headers['cache-control']).toBe('no-cache');
    expect(sdk.headers.etag).toMatch(/^"[^"]+"$/);
    expectError(await app.inject('/sdk/missing.js'), 404, 'NOT_FOUND');
    expectError(await app.inject('/sdk/../package.json'), 404, 'NOT_FOUND');
  });

  it('answers 404 when the SDK is not built', async () => {
    const bare = await createApp({
      dataDir: tempDir(),
      adminKey: 'k'.repeat(32),
      logLevel: 'silent',
      demo: false,
      sdkDir: path.join(tempDir(), 'absent'),
    });
    expectError(await bare.inject('/sdk/dhkit.umd.js'), 404, 'NOT_FOUND');
    expectError(await bare.inject('/'), 404, 'NOT_FOUND');
    expectError(await bare.inject({ method: 'POST', url: '/demo/once-code' }), 404, 'NOT_FOUND');
    await bare.close();
  });

  it('serves the demo page under a strict CSP, its assets and once-codes', async () => {
    const page = await app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script src="/sdk/dhkit.umd.js"></script>');
    expect(page.body).toContain('<div id="avatar">');
    expect(page.body).not.toMatch(/<script>|style=/);
    expect((await app.inject('/demo/demo.js')).headers['content-type']).toMatch(/javascript/);
    expect((await app.inject('/demo/assets/architecture.svg')).headers['content-type']).toMatch(/image\/svg\+xml/);
    const code = await app.inject({ method: 'POST', url: '/demo/once-code' });
    expect(code.statusCode).toBe(201);
    expect(code.json()).toMatchObject({ robotId: 'demo', onceCode: expect.any(String) });
    expect((await post('/v1/sessions', { robotId: 'demo', onceCode: code.json().onceCode }, {})).statusCode).toBe(201);
  });
});
