/**
 * Admission and session lifecycle over real HTTP and WebSockets (SQLite): exact quotas, once-code lockout
 * and issuance limits, kick, resume after a lost socket, leases that free themselves, end mentions,
 * robot PATCH/DELETE. Hostile input to every route is in hostile-input.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage, SessionInfo } from '@dhkit/protocol';
import { createApp } from '../src/app.js';
import { startServer, type RunningServer, type StartServerOptions } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

const LEASE_TTL_MS = 600;
let server: RunningServer;

async function start(options: Partial<StartServerOptions> = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: true, logLevel: 'warn', ...options });
}

beforeAll(async () => {
  server = await start({ leaseTtlMs: LEASE_TTL_MS, sessionTimeouts: { endMentionMs: 1000 } });
});
afterAll(() => server.close());

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN, base = server.url) {
  const response = await fetch(base + path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, headers: response.headers };
}

async function createRobot(fields: Record<string, unknown>, base = server.url) {
  const created = await api('POST', '/v1/robots', fields, ADMIN, base);
  expect(created.status).toBe(201);
  return created.json;
}

async function onceCode(robotId: string, base = server.url): Promise<string> {
  const minted = await api('POST', `/v1/robots/${robotId}/once-codes`, {}, ADMIN, base);
  expect(minted.status).toBe(201);
  return minted.json.onceCode;
}

async function admit(robotId: string, code?: string, base = server.url) {
  return api('POST', '/v1/sessions', { robotId, onceCode: code ?? (await onceCode(robotId, base)) }, {}, base);
}

class Client {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<number>;
  readonly socket: WebSocket;
  private waiters: Array<() => void> = [];

  constructor(
    readonly info: SessionInfo,
    base = server.url,
  ) {
    this.socket = new WebSocket(base.replace('http', 'ws') + info.channelPath);
    this.closed = new Promise((resolve) => this.socket.on('close', (code) => resolve(code)));
    this.socket.on('message', (data, isBinary) => {
      if (!isBinary) this.messages.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(info: SessionInfo, resume = false, base = server.url): Promise<Client> {
    const client = new Client(info, base);
    await new Promise((resolve, reject) => {
      client.socket.once('open', resolve);
      client.socket.once('error', reject);
    });
    client.send({ type: 'hello', token: info.token, protocol: 1, ...(resume ? { resume: true } : {}) });
    await client.until((m) => m.type === 'welcome');
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Cuts the TCP connection without a close frame, as a network loss or a killed browser does. */
  dropConnection(): void {
    (this.socket as unknown as { _socket: { destroy(): void } })._socket.destroy();
  }

  async until(predicate: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

describe('leases never leak', () => {
  it('kick: sessionEnd KICKED, close 4010, slot free at once', async () => {
    await createRobot({ id: 'kick', name: 'Kick', concurrency: 1 });
    const first = await admit('kick');
    const client = await Client.connect(first.json);
    expect((await admit('kick')).json.error.code).toBe('CONCURRENCY_LIMIT');
    expect((await api('GET', '/v1/robots/kick/sessions')).json.sessions).toMatchObject([
      { sessionId: first.json.sessionId, connected: true },
    ]);
    expect((await api('DELETE', `/v1/sessions/${first.json.sessionId}`)).status).toBe(204);
    expect(await client.until((m) => m.type === 'sessionEnd')).toEqual({ type: 'sessionEnd', reason: 'KICKED' });
    expect(await client.closed).toBe(4010);
    expect((await admit('kick')).status).toBe(201);
    expect((await api('DELETE', `/v1/sessions/${first.json.sessionId}`)).json.error.code).toBe('SESSION_ENDED');
    expect((await api('DELETE', '/v1/sessions/s_nobody')).json.error.code).toBe('SESSION_NOT_FOUND');
    expect((await api('DELETE', `/v1/sessions/${first.json.sessionId}`, undefined, {})).status).toBe(401);
  });

  it('a session kicked through another process (the store) is ended here at the next renewal', async () => {
    const app = await createApp({ dataDir: tempDir(), adminKey: ADMIN_KEY, demo: true, logLevel: 'silent' });
    try {
      const code = (await app.inject({ method: 'POST', url: '/v1/robots/demo/once-codes', headers: ADMIN })).json().onceCode;
      const info = (await app.inject({ method: 'POST', url: '/v1/sessions', payload: { robotId: 'demo', onceCode: code } })).json();
      const { store, registry } = app.dhkit.context;
      await registry.renewLeases();
      expect(registry.get(info.sessionId)).toBeDefined();
      await store.endSession(info.sessionId, 'KICKED', Date.now());
      await registry.renewLeases();
      expect(registry.get(info.sessionId)).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('bye, the unload beacon, and a closing socket free the slot at once', async () => {
    await createRobot({ id: 'bye', name: 'Bye', concurrency: 1 });
    const a = await Client.connect((await admit('bye')).json);
    a.send({ type: 'bye' });
    expect(await a.closed).toBe(1000);
    const b = (await admit('bye')).json as SessionInfo;
    expect(b.leaseTtlMs).toBe(LEASE_TTL_MS);
    await Client.connect(b);
    // sendBeacon posts text/plain; a wrong token changes nothing.
    const beacon = (token: string) =>
      fetch(`${server.url}/v1/sessions/${b.sessionId}/end`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ token }),
      });
    expect((await beacon('wrong')).status).toBe(401);
    expect((await admit('bye')).json.error.code).toBe('CONCURRENCY_LIMIT');
    expect((await beacon(b.token)).status).toBe(204);
    const c = await Client.connect((await admit('bye')).json);
    c.socket.close(1001); // page unload
    await c.closed;
    await sleep(50);
    expect((await admit('bye')).status).toBe(201);
  });

  it('a lost connection keeps the session for the lease TTL: resume continues it, else the slot frees itself', async () => {
    await createRobot({ id: 'lost', name: 'Lost', concurrency: 1, languages: ['en_US'] });
    const info = (await admit('lost')).json as SessionInfo;
    const first = await Client.connect(info);
    first.dropConnection();
    await first.closed;
    await sleep(100);
    expect((await admit('lost')).json.error.code).toBe('CONCURRENCY_LIMIT');
    const resumed = await Client.connect(info, true);
    expect(resumed.messages[0]).toMatchObject({ type: 'welcome', sessionId: info.sessionId, resumed: true });
    resumed.send({ type: 'question', chatId: 'chat-after-resume', text: 'hello' });
    await resumed.until((m) => m.type === 'turnEnd');
    // A killed browser: no close frame, no pings, no resume. The slot frees within the TTL (+ one sweep).
    resumed.dropConnection();
    const lostAt = Date.now();
    let admitted = await admit('lost');
    while (admitted.status !== 201 && Date.now() - lostAt < LEASE_TTL_MS + 2000) {
      await sleep(50);
      admitted = await admit('lost');
    }
    expect(admitted.status).toBe(201);
    expect(Date.now() - lostAt).toBeLessThan(LEASE_TTL_MS + 1000);
    // The ended session cannot be resumed.
    const late = new Client(info);
    expect(await late.closed).toBe(4001);
  });

  it('a silent client (socket open, no pings) is ended after the TTL', async () => {
    await createRobot({ id: 'silent', name: 'Silent', concurrency: 1 });
    const client = await Client.connect((await admit('silent')).json);
    expect(await client.closed).toBe(4010);
    expect(client.messages.at(-1)).toEqual({ type: 'sessionEnd', reason: 'CLOSED' });
    expect((await admit('silent')).status).toBe(201);
  });

  it('a newer socket with the token takes the session over from a half-dead one', async () => {
    const info = (await admit('demo')).json as SessionInfo;
    const old = await Client.connect(info);
    const fresh = await Client.connect(info, true);
    expect(await old.closed).toBe(4001);
    fresh.send({ type: 'ping', t: 7 });
    expect(await fresh.until((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 7 });
    fresh.send({ type: 'bye' });
  });
});

describe('timeouts', () => {
  it('mentions the end before an idle timeout and the maximum duration, then ends with the reason', async () => {
    await createRobot({ id: 'idle', name: 'Idle', concurrency: 2, idleTimeoutSeconds: 2 });
    await createRobot({ id: 'short', name: 'Short', concurrency: 2, maxSessionSeconds: 2 });
    const [idle, short] = await Promise.all([admit('idle'), admit('short')]);
    const idleClient = await Client.connect(idle.json);
    const shortClient = await Client.connect(short.json);
    const ping = setInterval(() => {
      for (const c of [idleClient, shortClient]) if (c.socket.readyState === WebSocket.OPEN) c.send({ type: 'ping', t: 1 });
    }, 150);
    try {
      expect(await idleClient.until((m) => m.type === 'sessionEndMention')).toEqual({
        type: 'sessionEndMention',
        reason: 'IDLE_TIMEOUT',
        restTime: 1,
      });
      expect(await idleClient.until((m) => m.type === 'sessionEnd')).toEqual({ type: 'sessionEnd', reason: 'IDLE_TIMEOUT' });
      expect(await shortClient.until((m) => m.type === 'sessionEndMention')).toMatchObject({ reason: 'MAX_DURATION', restTime: 1 });
      expect(await shortClient.until((m) => m.type === 'sessionEnd')).toEqual({ type: 'sessionEnd', reason: 'MAX_DURATION' });
      expect(await idleClient.closed).toBe(4010);
    } finally {
      clearInterval(ping);
    }
  });

  it('stillHere ("continue" on the end countdown) moves the idle deadline; pings alone do not', async () => {
    await createRobot({ id: 'still-here', name: 'Still here', concurrency: 1, idleTimeoutSeconds: 2 });
    const client = await Client.connect((await admit('still-here')).json);
    const ping = setInterval(() => client.socket.readyState === WebSocket.OPEN && client.send({ type: 'ping', t: 1 }), 150);
    try {
      const startedAt = Date.now();
      expect(await client.until((m) => m.type === 'sessionEndMention')).toMatchObject({ reason: 'IDLE_TIMEOUT' });
      client.send({ type: 'stillHere' });
      // Announced again for the moved deadline, and the session outlives the first one by about as long.
      const mentions = () => client.messages.filter((m) => m.type === 'sessionEndMention').length;
      await client.until(() => mentions() === 2);
      expect(await client.until((m) => m.type === 'sessionEnd')).toEqual({ type: 'sessionEnd', reason: 'IDLE_TIMEOUT' });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2900);
    } finally {
      clearInterval(ping);
    }
  });
});

describe('robots admin', () => {
  it('PATCH changes fields with validation; lowering concurrency keeps live sessions', async () => {
    await createRobot({ id: 'patch', name: 'Patch', concurrency: 2, languages: ['zh_CN', 'en_US'] });
    const a = await Client.connect((await admit('patch')).json);
    await Client.connect((await admit('patch')).json);
    const lowered = await api('PATCH', '/v1/robots/patch', { concurrency: 1, name: 'Patched' });
    expect(lowered.status).toBe(200);
    expect(lowered.json).toMatchObject({ id: 'patch', name: 'Patched', concurrency: 1 });
    expect((await api('GET', '/v1/robots/patch')).json.concurrency).toBe(1);
    expect((await api('GET', '/v1/robots/patch/sessions')).json.sessions).toHaveLength(2);
    a.send({ type: 'ping', t: 1 });
    expect(await a.until((m) => m.type === 'pong')).toBeTruthy();
    expect((await admit('patch')).json.error.code).toBe('CONCURRENCY_LIMIT');
    const languages = await api('PATCH', '/v1/robots/patch', { languages: ['en_US'] });
    expect(languages.json).toMatchObject({ languages: ['en_US'], defaultLanguage: 'en_US', voices: { en_US: 'en-us' } });
    for (const [body, status] of [
      [{}, 400],
      [{ id: 'other' }, 400],
      [{ concurrency: 1025 }, 400],
      [{ concurrency: -1 }, 400],
      [{ languages: ['en_US'], defaultLanguage: 'zh_CN' }, 400],
      [{ allowedOrigins: ['not a url'] }, 400],
      [{ colour: 'red' }, 400],
    ] as const) {
      const refused = await api('PATCH', '/v1/robots/patch', body);
      expect(refused.status, JSON.stringify(body)).toBe(status);
      expect(refused.json.error.code).toBe('INVALID_REQUEST');
    }
    expect((await api('PATCH', '/v1/robots/missing', { name: 'x' })).json.error.code).toBe('ROBOT_NOT_FOUND');
  });

  it("DELETE ends the robot's live sessions (KICKED) and removes it", async () => {
    await createRobot({ id: 'doomed', name: 'Doomed', concurrency: 2 });
    const client = await Client.connect((await admit('doomed')).json);
    expect((await api('DELETE', '/v1/robots/doomed')).status).toBe(204);
    expect(await client.until((m) => m.type === 'sessionEnd')).toEqual({ type: 'sessionEnd', reason: 'KICKED' });
    expect((await api('GET', '/v1/robots/doomed')).json.error.code).toBe('ROBOT_NOT_FOUND');
    expect((await api('DELETE', '/v1/robots/doomed')).json.error.code).toBe('ROBOT_NOT_FOUND');
    expect((await api('GET', '/v1/robots/doomed/sessions')).json.error.code).toBe('ROBOT_NOT_FOUND');
  });
});

describe('origins', () => {
  it('checks allowedOrigins on admission, channel upgrade and preflight', async () => {
    await createRobot({ id: 'shop', name: 'Shop', concurrency: 5, allowedOrigins: ['https://shop.example'] });
    const post = (origin: string, code: string) =>
      fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ robotId: 'shop', onceCode: code }),
      });
    const refused = await post('https://evil.example', await onceCode('shop'));
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
    const info = (await (await post('https://shop.example', await onceCode('shop'))).json()) as SessionInfo;
    const evil = new WebSocket(server.url.replace('http', 'ws') + info.channelPath, { origin: 'https://evil.example' });
    expect(await new Promise((resolve) => evil.on('close', resolve))).toBe(4001);
    const good = new WebSocket(server.url.replace('http', 'ws') + info.channelPath, { origin: 'https://shop.example' });
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
