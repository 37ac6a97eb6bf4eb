/**
 * Admission's rules over real HTTP and WebSockets (SQLite): exact concurrency under racing admissions, a code
 * admitted once, the server-wide cap, once-code lockout and issuance limits, and allowed origins on admission,
 * channel upgrade and preflight.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionInfo } from '@dhkit/protocol';
import { createApp } from '../src/app.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { admit, api, createRobot, onceCode, serverUrl, start, useLifecycleServer } from './lifecycle-harness.js';

useLifecycleServer();

describe('exact concurrency', () => {
  it('60 admissions racing over HTTP at concurrency 3: exactly 3 admitted, 57 CONCURRENCY_LIMIT', async () => {
    await createRobot({ id: 'race', name: 'Race', concurrency: 3 });
    const codes = await Promise.all(Array.from({ length: 60 }, () => onceCode('race')));
    const results = await Promise.all(codes.map((code) => admit('race', code)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(57);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(r.json.error).toMatchObject({ code: 'CONCURRENCY_LIMIT', compat: 'MSS.20010135' });
    }
    const list = await api('GET', '/v1/robots/race/sessions');
    expect(list.json.sessions).toHaveLength(3);
    expect(list.json).toMatchObject({ robotId: 'race', concurrency: 3 });
  });

  it('one code raced 50 times: admitted once', async () => {
    await createRobot({ id: 'once', name: 'Once', concurrency: 100 });
    const code = await onceCode('once');
    const results = await Promise.all(Array.from({ length: 50 }, () => admit('once', code)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(['ONCE_CODE_INVALID', 'ONCE_CODE_LOCKED']).toContain(r.json.error.code);
    }
  });

  it('the server-wide cap answers SERVER_BUSY', async () => {
    const small = await start({ maxSessions: 1 });
    try {
      expect((await admit('demo', undefined, small.url)).status).toBe(201);
      const busy = await admit('demo', undefined, small.url);
      expect(busy.status).toBe(503);
      expect(busy.json.error.code).toBe('SERVER_BUSY');
    } finally {
      await small.close();
    }
  });
});

describe('once-code abuse', () => {
  it('locks a client out after repeated failures, per address and robot', async () => {
    const app = await createApp({
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      demo: true,
      logLevel: 'silent',
      onceCodeLockout: { maxFailures: 3 },
    });
    try {
      const attempt = async (onceCode: string, remoteAddress = '10.0.0.1') =>
        app.inject({ method: 'POST', url: '/v1/sessions', remoteAddress, payload: { robotId: 'demo', onceCode } });
      const mint = async () => (await app.inject({ method: 'POST', url: '/v1/robots/demo/once-codes', headers: ADMIN })).json().onceCode;
      for (let i = 0; i < 3; i++) expect((await attempt(`guess-${i}`)).json().error.code).toBe('ONCE_CODE_INVALID');
      const locked = await attempt(await mint());
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error).toMatchObject({ code: 'ONCE_CODE_LOCKED', compat: 'MSS.47010047' });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // Another client is not affected, and its valid code still works.
      expect((await attempt(await mint(), '10.0.0.2')).statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('rate-limits issuance per robot', async () => {
    const app = await createApp({
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      demo: true,
      logLevel: 'silent',
      onceCodeRate: { perSecond: 1, burst: 3 },
    });
    try {
      const mint = () => app.inject({ method: 'POST', url: '/v1/robots/demo/once-codes', headers: ADMIN });
      for (let i = 0; i < 3; i++) expect((await mint()).statusCode).toBe(201);
      const limited = await mint();
      expect(limited.statusCode).toBe(503);
      expect(limited.json().error.code).toBe('SERVER_BUSY');
      expect(limited.headers['retry-after']).toBe('1');
    } finally {
      await app.close();
    }
  });
});

describe('origins', () => {
  it('checks allowedOrigins on admission, channel upgrade and preflight', async () => {
    await createRobot({ id: 'shop', name: 'Shop', concurrency: 5, allowedOrigins: ['https://shop.example'] });
    const post = (origin: string, code: string) =>
      fetch(`${serverUrl()}/v1/sessions`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ robotId: 'shop', onceCode: code }),
      });
    const refused = await post('https://evil.example', await onceCode('shop'));
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
    const info = (await (await post('https://shop.example', await onceCode('shop'))).json()) as SessionInfo;
    const evil = new WebSocket(serverUrl().replace('http', 'ws') + info.channelPath, { origin: 'https://evil.example' });
    expect(await new Promise((resolve) => evil.on('close', resolve))).toBe(4001);
    const good = new WebSocket(serverUrl().replace('http', 'ws') + info.channelPath, { origin: 'https://shop.example' });
    await new Promise((resolve) => good.once('open', resolve));
    good.send(JSON.stringify({ type: 'hello', token: info.token, protocol: 1 }));
    await new Promise((resolve) => good.once('message', resolve));
    good.close();
    // Preflight: allowed for an origin some robot allows (demo allows "*", so use a server without it).
    const strict = await start({ demo: false });
    try {
      await createRobot({ id: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] }, strict.url);
      const preflight = (origin: string) =>
        fetch(`${strict.url}/v1/sessions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect((await preflight('https://shop.example')).headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await strict.close();
    }
  });
});
