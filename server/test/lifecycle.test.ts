/**
 * The session lifecycle over real HTTP and WebSockets (SQLite): leases that never leak (kick, bye, the unload
 * beacon, a lost socket that resumes or frees its slot, a silent client, a socket taken over), and end mentions
 * before the idle and maximum-duration timeouts. Admission's limits are in admission-rules.test.ts, robot changes
 * under live sessions in robot-changes.test.ts, hostile input to every route in hostile-input.test.ts.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionInfo } from '@dhkit/protocol';
import { createApp } from '../src/app.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { admit, api, Client, createRobot, LEASE_TTL_MS, serverUrl, sleep, useLifecycleServer } from './lifecycle-harness.js';

useLifecycleServer();

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
      fetch(`${serverUrl()}/v1/sessions/${b.sessionId}/end`, {
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
    const resumed = await Client.connect(info, { resume: true });
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
    const client = await Client.connect((await admit('silent')).json, { silent: true });
    expect(await client.closed).toBe(4010);
    expect(client.messages.at(-1)).toEqual({ type: 'sessionEnd', reason: 'CLOSED' });
    expect((await admit('silent')).status).toBe(201);
  });

  it('a newer socket with the token takes the session over from a half-dead one', async () => {
    const info = (await admit('demo')).json as SessionInfo;
    const old = await Client.connect(info);
    const fresh = await Client.connect(info, { resume: true });
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
