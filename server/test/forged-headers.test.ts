// Forged headers and guessing: X-Forwarded-For entries the client wrote never choose the lockout key, retries
// of a real once-code are not guesses, the origin check comes before the lockout, admin keys are long and
// wrong ones are throttled per address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let server: RunningServer;
beforeAll(async () => {
  // Behind one proxy: the proxy appends the address it saw; everything left of it was written by the client.
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: tempDir(),
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: 'silent',
    trustProxy: 1,
  });
  const response = await fetch(`${server.url}/v1/robots`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'shop', name: 'Shop', concurrency: 100, allowedOrigins: ['https://shop.example'] }),
  });
  expect(response.status).toBe(201);
});
afterAll(() => server.close());

async function admit(robotId: string, onceCode: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://shop.example', ...headers },
    body: JSON.stringify({ robotId, onceCode }),
  });
  return { status: response.status, code: ((await response.json()) as { error?: { code: string } }).error?.code };
}

async function mintCode(robotId: string): Promise<string> {
  return (await (await fetch(`${server.url}/v1/robots/${robotId}/once-codes`, { method: 'POST', headers: ADMIN })).json()).onceCode;
}

describe('X-Forwarded-For behind one proxy', () => {
  it('locks out the address the proxy saw, whatever the client wrote before it', async () => {
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 50; i++) {
      const forged = `203.0.113.${i}`;
      codes.push((await admit('shop', `guess-${i}-xxxxxxxxxxxxxxxx`, { 'x-forwarded-for': `${forged}, 198.51.100.7` })).code);
    }
    expect(codes.filter((c) => c === 'ONCE_CODE_INVALID').length).toBe(10);
    expect(codes.at(-1)).toBe('ONCE_CODE_LOCKED');
    // A victim's address written by the attacker is not locked: the victim behind the proxy still gets in.
    expect((await admit('shop', await mintCode('shop'), { 'x-forwarded-for': '198.51.100.8' })).status).toBe(201);
    expect((await admit('shop', await mintCode('shop'), { 'x-forwarded-for': '203.0.113.5, 198.51.100.9' })).status).toBe(201);
  });

  it('answers a foreign origin with ORIGIN_NOT_ALLOWED even while its address is locked out', async () => {
    const response = await admit('shop', 'guess-origin-xxxxxxxxxxxxxxxx', {
      'x-forwarded-for': '198.51.100.7',
      origin: 'https://evil.example',
    });
    expect(response).toEqual({ status: 403, code: 'ORIGIN_NOT_ALLOWED' });
  });
});

describe('a race of one real once-code', () => {
  it('admits one, refuses the rest as invalid, and never locks the page out', async () => {
    const code = await mintCode('shop');
    const headers = { 'x-forwarded-for': '198.51.100.20' };
    const results = await Promise.all(Array.from({ length: 50 }, () => admit('shop', code, headers)));
    expect(results.filter((r) => r.status === 201).length).toBe(1);
    expect(results.filter((r) => r.code === 'ONCE_CODE_INVALID').length).toBe(49);
    for (let i = 0; i < 20; i++) expect((await admit('shop', code, headers)).code).toBe('ONCE_CODE_INVALID');
    expect((await admit('shop', await mintCode('shop'), headers)).status).toBe(201);
  });
});

describe('admin keys', () => {
  it('refuses to start with a key shorter than 32 characters', async () => {
    await expect(createApp({ dataDir: tempDir(), adminKey: 'a', logLevel: 'silent', demo: false })).rejects.toThrow(/at least 32/);
    await expect(createApp({ dataDir: tempDir(), adminKey: 'x'.repeat(31), logLevel: 'silent', demo: false })).rejects.toThrow(
      /at least 32/,
    );
  });

  it('throttles wrong keys per address: RATE_LIMITED with Retry-After, other addresses unaffected', async () => {
    const attempt = (key: string, address: string) =>
      fetch(`${server.url}/v1/robots`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': address } });
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) statuses.push((await attempt(`wrong-key-${i}`, '198.51.100.30')).status);
    expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
    const locked = await attempt(ADMIN_KEY, '198.51.100.30');
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt(ADMIN_KEY, '198.51.100.31')).status).toBe(200);
  });
});
