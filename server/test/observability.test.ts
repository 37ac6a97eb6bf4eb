/**
 * The observable server: /openapi.json (valid OpenAPI 3.1, every route, every error code), /metrics (Prometheus
 * text that a parser reads, counters that move with sessions and turns, guarded by the admin key or the metrics
 * token), the audit log of admin changes (never a secret), and request ids.
 */
import fs from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '@dhkit/protocol';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123';
let server: RunningServer;
let dataDir: string;
const routes: Array<{ method: string; url: string }> = [];

beforeAll(async () => {
  dataDir = tempDir();
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: 'silent',
    metricsToken: METRICS_TOKEN,
    onRoute: (route) => routes.push(route),
  });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(server.url + path, {
    method,
    headers: { ...ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function scrape(authorization = `Bearer ${METRICS_TOKEN}`) {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await response.text());
  const value = (name: string, labels: Record<string, string> = {}) => {
    const family = families.find((f) => f.name === name);
    const metric = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    if (!metric) return 0;
    return Number(metric.value ?? metric.count);
  };
  return { families, value };
}

describe('/openapi.json', () => {
  it('validates as OpenAPI 3.1 and lists every route and every error code', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, unknown>>))
      for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path}`);
    const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, '{*}');
    const missing = routes
      .filter((route) => route.method !== 'HEAD')
      .map((route) => `${route.method} ${toOpenApiPath(route.url)}`)
      .filter((key) => !documented.has(key));
    expect(routes.length).toBeGreaterThan(25);
    expect(missing).toEqual([]);

    const text = JSON.stringify(document);
    const docCodes = [...fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8').matchAll(/`([A-Z][A-Z_]{3,})`/g)]
      .map((m) => m[1])
      .filter((code) => code in ERROR_CATALOG);
    expect(docCodes.length).toBeGreaterThan(20);
    for (const code of new Set([...docCodes, ...Object.keys(ERROR_CATALOG)])) expect(text, code).toContain(`"${code}"`);
    expect(document.paths['/v1/robots'].post.security).toEqual([{ adminKey: [] }]);
    expect(document.paths['/v1/sessions'].post.security).toBeUndefined();
  });
});

describe('/metrics', () => {
  it('is refused without the admin key or the metrics token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    await scrape(`Bearer ${ADMIN_KEY}`);
  });

  it('parses as Prometheus text, and its counters move as sessions, refusals and turns happen', async () => {
    const before = await scrape();
    expect(before.families.some((f) => f.name === 'dhkit_process_cpu_user_seconds_total')).toBe(true);
    const refusal = await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ robotId: 'demo', onceCode: 'x'.repeat(32) }),
    });
    expect(refusal.status).toBe(401);
    const visitor = await Visitor.admit(server.url, 'demo');
    const during = await scrape();
    expect(during.value('dhkit_sessions_live')).toBe(before.value('dhkit_sessions_live') + 1);
    expect(during.value('dhkit_leases_in_use', { robot: 'demo' })).toBeGreaterThanOrEqual(1);
    await visitor.ask('What can you do?');
    await visitor.until((m) => m.type === 'turnEnd');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await scrape();
    expect(after.value('dhkit_sessions_admitted_total', { robot: 'demo' })).toBe(
      before.value('dhkit_sessions_admitted_total', { robot: 'demo' }) + 1,
    );
    expect(after.value('dhkit_sessions_refused_total', { code: 'ONCE_CODE_INVALID' })).toBe(
      before.value('dhkit_sessions_refused_total', { code: 'ONCE_CODE_INVALID' }) + 1,
    );
    const turns = (s: typeof after) => s.value('dhkit_turns_total', { brain: 'knowledge', answered: 'true' });
    expect(turns(after)).toBe(turns(before) + 1);
    expect(after.value('dhkit_question_first_audio_seconds')).toBe(before.value('dhkit_question_first_audio_seconds') + 1);
    expect(after.value('dhkit_channel_messages_total', { direction: 'out' })).toBeGreaterThan(
      before.value('dhkit_channel_messages_total', { direction: 'out' }),
    );
    visitor.close();
    await visitor.closed;
  });
});

describe('audit log', () => {
  it('records admin changes with what changed, never a secret, and lists them newest first', async () => {
    const secret = 'whsec-0123456789abcdefghij';
    expect(
      (
        await admin('POST', '/v1/robots', {
          id: 'audited',
          name: 'Audited',
          brain: { type: 'webhook', url: 'https://hooks.example/x', secret },
        })
      ).status,
    ).toBe(201);
    expect((await admin('PATCH', '/v1/robots/audited', { concurrency: 3 })).status).toBe(200);
    expect(
      (await admin('POST', '/v1/robots/audited/knowledge', { entries: [{ question: 'Hours?', answer: 'Nine to five.' }] })).status,
    ).toBe(201);
    expect((await admin('POST', '/v1/robots/audited/knowledge/search', { question: 'Hours?' })).status).toBe(200);
    expect((await admin('PATCH', '/v1/robots/nobody', { concurrency: 3 })).status).toBe(404);
    expect((await admin('DELETE', '/v1/robots/audited')).status).toBe(204);

    const response = await admin('GET', '/v1/audit?robotId=audited');
    expect(response.status).toBe(200);
    const { entries } = await response.json();
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['robot.delete', 'knowledge.import', 'robot.update', 'robot.create']);
    expect(entries[3]).toMatchObject({ method: 'POST', route: '/v1/robots', robotId: 'audited', target: 'audited', status: 201 });
    expect(entries[2].details).toEqual({ concurrency: 3 });
    expect(entries[1].details).toEqual({ format: 'json', entries: 1, mode: 'append' });
    const raw = JSON.stringify(entries);
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(secret.slice(-4));
    expect(entries[3].details.brain.secret).toBe('[secret]');
    expect((await fetch(`${server.url}/v1/audit`)).status).toBe(401);
    expect((await admin('GET', '/v1/audit?limit=0')).status).toBe(400);
    expect((await admin('GET', '/v1/audit?limit=abc')).status).toBe(400);
  });

  it('records a kick with the session and its robot', async () => {
    const visitor = await Visitor.admit(server.url, 'demo');
    expect((await admin('DELETE', `/v1/sessions/${visitor.info.sessionId}`)).status).toBe(204);
    const { entries } = await (await admin('GET', '/v1/audit?limit=1')).json();
    expect(entries[0]).toMatchObject({ action: 'session.kick', robotId: 'demo', target: visitor.info.sessionId });
    await visitor.closed;
  });
});

describe('request ids', () => {
  it('answers with a request id, keeping a sane one from the caller and replacing an unsafe one', async () => {
    const fresh = await fetch(`${server.url}/healthz`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'proxy-id-42' } });
    expect(kept.headers.get('x-request-id')).toBe('proxy-id-42');
    const replaced = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
