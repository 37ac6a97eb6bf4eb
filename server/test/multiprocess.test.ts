/**
 * Real server processes (`dhkit serve`, built output) sharing one PostgreSQL database: admissions stay
 * exact across two and three of them, a once-code is accepted once, the once-code lockout is one count for
 * all of them, and a kick through one process ends a session the other serves.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import WebSocket from 'ws';
import { ADMIN, ADMIN_KEY } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let cluster: PostgresCluster;
/** Every server process started, listening or not: afterAll stops them all, also when a start failed half-way. */
const processes: ChildProcess[] = [];
const urls: string[] = [];

/**
 * Starts `dhkit serve` on a free port and resolves with its URL once it listens. A server that does not listen in
 * time is killed before the start fails, and every process started is in `processes` for afterAll to stop.
 */
export function spawnServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'server/bin/dhkit.js'), 'serve', '--host', '127.0.0.1', '--port', '0'], {
    env: { ...process.env, DHKIT_LOG_LEVEL: 'warn', DHKIT_DEMO: '0', DHKIT_ADMIN_KEY: ADMIN_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  processes.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${output}`));
    });
  });
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'packages/protocol', 'server'], { cwd: ROOT, stdio: 'ignore' });
  cluster = await startPostgresCluster();
  const databaseUrl = await cluster.createDatabase('multi');
  // Sequentially, so the second start also exercises "migrations already applied".
  for (let i = 0; i < 2; i++) {
    const { url } = await spawnServer({ DHKIT_DATABASE_URL: databaseUrl, DHKIT_LEASE_TTL_SECONDS: '1.5' });
    urls.push(url);
  }
}, 120_000);

/** Stops every server process still running (one ended by a signal, as the killed one, has a signalCode, no exitCode). */
function stopServers() {
  const running = processes.filter((child) => child.exitCode === null && child.signalCode === null);
  return Promise.all(
    running.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

afterAll(async () => {
  await stopServers();
  await cluster?.stop();
});

async function api(base: string, method: string, route: string, body?: unknown, headers: Record<string, string> = ADMIN) {
  const response = await fetch(base + route, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: response.status === 204 ? null : await response.json() };
}

describe('two processes on one PostgreSQL database', () => {
  it('60 admissions racing at concurrency 3 across both: exactly 3 admitted, 57 CONCURRENCY_LIMIT', async () => {
    expect((await api(urls[0], 'POST', '/v1/robots', { id: 'race', name: 'Race', concurrency: 3 })).status).toBe(201);
    // The robot made through one process is visible to the other at once.
    expect((await api(urls[1], 'GET', '/v1/robots/race')).json.concurrency).toBe(3);
    const codes = await Promise.all(Array.from({ length: 60 }, (_, i) => api(urls[i % 2], 'POST', '/v1/robots/race/once-codes', {})));
    const results = await Promise.all(
      codes.map((code, i) => api(urls[(i + 1) % 2], 'POST', '/v1/sessions', { robotId: 'race', onceCode: code.json.onceCode }, {})),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429 && r.json.error.code === 'CONCURRENCY_LIMIT')).toHaveLength(57);
    const listed = await api(urls[1], 'GET', '/v1/robots/race/sessions');
    expect(listed.json.sessions).toHaveLength(3);
  });

  it('one code raced 50 times over both processes: admitted once', async () => {
    await api(urls[0], 'POST', '/v1/robots', { id: 'shared', name: 'Shared', concurrency: 100 });
    const { onceCode } = (await api(urls[1], 'POST', '/v1/robots/shared/once-codes', {})).json;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api(urls[i % 2], 'POST', '/v1/sessions', { robotId: 'shared', onceCode }, {})),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expect(['ONCE_CODE_INVALID', 'ONCE_CODE_LOCKED']).toContain(r.json.error.code);
  });

  it('a kick through one process ends the session the other serves; a crashed process frees its slots after the lease TTL', async () => {
    await api(urls[0], 'POST', '/v1/robots', { id: 'kick', name: 'Kick', concurrency: 1 });
    const admitted = await api(
      urls[0],
      'POST',
      '/v1/sessions',
      { robotId: 'kick', onceCode: (await api(urls[0], 'POST', '/v1/robots/kick/once-codes', {})).json.onceCode },
      {},
    );
    const info = admitted.json;
    const socket = new WebSocket(urls[0].replace('http', 'ws') + info.channelPath);
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'hello', token: info.token, protocol: 1 }));
    const ping = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: 'ping', t: 1 })), 300);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1600));
      // Still live after more than one TTL: process 0 renews its lease.
      expect((await api(urls[1], 'GET', '/v1/robots/kick/sessions')).json.sessions).toHaveLength(1);
      expect((await api(urls[1], 'DELETE', `/v1/sessions/${info.sessionId}`)).status).toBe(204);
      expect(await closed).toBe(4010);
      expect(messages.at(-1)).toEqual({ type: 'sessionEnd', reason: 'KICKED' });
    } finally {
      clearInterval(ping);
    }
    // A process killed outright stops renewing: its session's slot frees itself when the lease runs out.
    const extra = await spawnServer({
      DHKIT_DATABASE_URL: `postgres://postgres@127.0.0.1:${cluster.port}/multi`,
      DHKIT_LEASE_TTL_SECONDS: '1.5',
    });
    const code = (await api(extra.url, 'POST', '/v1/robots/kick/once-codes', {})).json.onceCode;
    expect((await api(extra.url, 'POST', '/v1/sessions', { robotId: 'kick', onceCode: code }, {})).status).toBe(201);
    extra.child.kill('SIGKILL');
    const killedAt = Date.now();
    let status = 0;
    while (Date.now() - killedAt < 6000) {
      const again = (await api(urls[1], 'POST', '/v1/robots/kick/once-codes', {})).json.onceCode;
      status = (await api(urls[1], 'POST', '/v1/sessions', { robotId: 'kick', onceCode: again }, {})).status;
      if (status === 201) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(201);
    // At most two TTLs: the last renewal may have happened just before the kill.
    expect(Date.now() - killedAt).toBeLessThan(3000 + 500);
  });
});

describe('three processes on one PostgreSQL database', () => {
  // Three processes of their own, with the default 30 s lease TTL: a race slowed down by a loaded machine must
  // not see leases of 1.5 s lapse mid-race (a lapsed lease is a free slot, and would read as over-admission).
  const urls: string[] = [];
  beforeAll(async () => {
    const databaseUrl = await cluster.createDatabase('multi3');
    for (let i = 0; i < 3; i++) {
      const { url } = await spawnServer({ DHKIT_DATABASE_URL: databaseUrl, DHKIT_ONCE_CODE_RATE: '10' });
      urls.push(url);
    }
  }, 120_000);

  it('60 admissions racing at concurrency 3 spread over three: exactly 3 admitted, 57 CONCURRENCY_LIMIT', async () => {
    expect((await api(urls[2], 'POST', '/v1/robots', { id: 'race3', name: 'Race 3', concurrency: 3 })).status).toBe(201);
    const codes = await Promise.all(Array.from({ length: 60 }, (_, i) => api(urls[i % 3], 'POST', '/v1/robots/race3/once-codes', {})));
    const results = await Promise.all(
      codes.map((code, i) => api(urls[(i + 1) % 3], 'POST', '/v1/sessions', { robotId: 'race3', onceCode: code.json.onceCode }, {})),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429 && r.json.error.code === 'CONCURRENCY_LIMIT')).toHaveLength(57);
    for (const url of urls) expect((await api(url, 'GET', '/v1/robots/race3/sessions')).json.sessions).toHaveLength(3);
  });

  it('/metrics on every process reports the leases held by all of them, per robot; sessions served stay per process', async () => {
    await api(urls[0], 'POST', '/v1/robots', { id: 'metered', name: 'Metered', concurrency: 10 });
    await api(urls[0], 'POST', '/v1/robots', { id: 'metered2', name: 'Metered 2', concurrency: 10 });
    const admit = async (url: string, robotId: string) => {
      const { onceCode } = (await api(url, 'POST', `/v1/robots/${robotId}/once-codes`, {})).json;
      expect((await api(url, 'POST', '/v1/sessions', { robotId, onceCode }, {})).status).toBe(201);
    };
    // Process 0 admits two, process 1 one, process 2 none; another robot's lease on process 2.
    await admit(urls[0], 'metered');
    await admit(urls[0], 'metered');
    await admit(urls[1], 'metered');
    await admit(urls[2], 'metered2');
    const scrape = async (url: string) => {
      const response = await fetch(`${url}/metrics`, { headers: ADMIN });
      expect(response.status).toBe(200);
      const families = parsePrometheusTextFormat(await response.text());
      return (name: string, robot: string) =>
        Number(families.find((f) => f.name === name)?.metrics.find((m) => m.labels?.robot === robot)?.value ?? 0);
    };
    const scraped = await Promise.all(urls.map(scrape));
    expect(scraped.map((value) => value('dhkit_leases_in_use', 'metered'))).toEqual([3, 3, 3]);
    expect(scraped.map((value) => value('dhkit_leases_in_use', 'metered2'))).toEqual([1, 1, 1]);
    expect(scraped.map((value) => value('dhkit_sessions_served', 'metered'))).toEqual([2, 1, 0]);
    // A kick through process 2 frees a lease process 0 holds: every process reports it at the next scrape.
    const { sessions } = (await api(urls[2], 'GET', '/v1/robots/metered/sessions')).json;
    expect((await api(urls[2], 'DELETE', `/v1/sessions/${sessions[0].sessionId}`)).status).toBe(204);
    const after = await Promise.all(urls.map(scrape));
    expect(after.map((value) => value('dhkit_leases_in_use', 'metered'))).toEqual([2, 2, 2]);
  });

  it('one code raced 50 times over three processes: admitted once', async () => {
    await api(urls[0], 'POST', '/v1/robots', { id: 'shared3', name: 'Shared 3', concurrency: 100 });
    const { onceCode } = (await api(urls[2], 'POST', '/v1/robots/shared3/once-codes', {})).json;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api(urls[i % 3], 'POST', '/v1/sessions', { robotId: 'shared3', onceCode }, {})),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expect(['ONCE_CODE_INVALID', 'ONCE_CODE_LOCKED']).toContain(r.json.error.code);
  });

  it('a guesser rotating over three processes is locked out after 10 failures, as on one process', async () => {
    await api(urls[0], 'POST', '/v1/robots', { id: 'guess', name: 'Guess', concurrency: 100 });
    // The default policy: 10 failures within a minute lock the client (address + robot) for 5 minutes.
    for (let i = 0; i < 10; i++) {
      const wrong = await api(urls[i % 3], 'POST', '/v1/sessions', { robotId: 'guess', onceCode: `wrong-code-${i}-0123456789` }, {});
      expect(wrong.json.error.code).toBe('ONCE_CODE_INVALID');
    }
    // Every process now refuses this client, even with a valid code; in-memory counts would have allowed 20 more guesses.
    for (const url of urls) {
      const { onceCode } = (await api(url, 'POST', '/v1/robots/guess/once-codes', {})).json;
      const refused = await api(url, 'POST', '/v1/sessions', { robotId: 'guess', onceCode }, {});
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('ONCE_CODE_LOCKED');
    }
  });

  it('the once-code issuance limit is one budget for all processes', async () => {
    await api(urls[0], 'POST', '/v1/robots', { id: 'issue', name: 'Issue', concurrency: 1 });
    // DHKIT_ONCE_CODE_RATE=10 on every process: a burst of 100 per robot, refilled at 10 per second, shared.
    const started = Date.now();
    const minted = await Promise.all(Array.from({ length: 150 }, (_, i) => api(urls[i % 3], 'POST', '/v1/robots/issue/once-codes', {})));
    const seconds = (Date.now() - started) / 1000;
    const granted = minted.filter((m) => m.status === 201).length;
    expect(granted).toBeGreaterThanOrEqual(100);
    // Three budgets of their own would have granted all 150 (50 each); one shared budget grants the burst plus the refill.
    expect(granted).toBeLessThanOrEqual(100 + Math.ceil(seconds * 10));
    for (const m of minted.filter((m) => m.status !== 201)) expect(m.json.error.code).toBe('SERVER_BUSY');
  });

  // Last in this block: it locks this test's address out of the admin API on every process for 5 minutes.
  it('a wrong-admin-key guesser rotating over three processes is locked out after 60 failures, as on one process', async () => {
    const wrong = { authorization: 'Bearer wrong-admin-key-0123456789-0123456789-xx' };
    // The policy: 60 wrong keys within a minute lock the address for 5 minutes (20 per process here).
    for (let i = 0; i < 60; i++) expect((await api(urls[i % 3], 'GET', '/v1/robots', undefined, wrong)).status).toBe(401);
    // Every process now refuses this address, even with the right key; in-memory counts would have allowed 120 more.
    for (const url of urls) {
      const refused = await api(url, 'GET', '/v1/robots');
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('RATE_LIMITED');
    }
  });
});
