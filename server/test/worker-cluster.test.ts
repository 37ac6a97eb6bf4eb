/**
 * `dhkit serve --workers 3` (built output) on PostgreSQL: one port, three worker processes; a worker sent
 * SIGTERM ends its sessions and hands their leases back at once (not after the lease TTL), the primary
 * replaces it, and SIGTERM to the primary stops every worker the same way.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN, ADMIN_KEY } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let cluster: PostgresCluster;
let primary: ChildProcess;
let url = '';

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'packages/protocol', 'server'], { cwd: ROOT, stdio: 'ignore' });
  cluster = await startPostgresCluster();
  const databaseUrl = await cluster.createDatabase('workers');
  primary = spawn(
    process.execPath,
    [path.join(ROOT, 'server/bin/dhkit.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--workers', '3'],
    {
      // A long lease TTL: a slot freed within the test's seconds was handed back, not left to run out.
      env: {
        ...process.env,
        DHKIT_LOG_LEVEL: 'warn',
        DHKIT_DEMO: '0',
        DHKIT_ADMIN_KEY: ADMIN_KEY,
        DHKIT_DATABASE_URL: databaseUrl,
        DHKIT_LEASE_TTL_SECONDS: '120',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start: ${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /cluster listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        url = match[1];
        resolve();
      }
    };
    primary.stdout!.on('data', onData);
    primary.stderr!.on('data', onData);
    primary.once('exit', (code) => reject(new Error(`cluster exited with ${code}: ${output}`)));
  });
}, 150_000);

afterAll(async () => {
  if (primary && primary.exitCode === null) await new Promise((resolve) => (primary.once('exit', resolve), primary.kill('SIGTERM')));
  await cluster?.stop();
});

// A connection per request: a pooled one would die with the worker the test stops.
async function api(method: string, route: string, body?: unknown, headers: Record<string, string> = ADMIN) {
  const response = await fetch(url + route, {
    method,
    headers: { ...headers, connection: 'close', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: response.status === 204 ? null : await response.json() };
}

function workerPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(primary.pid)]).toString();
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
}

/** An admitted session with its channel open; `ended` resolves with the last message when the channel closes. */
async function openSession(robotId: string) {
  const { onceCode } = (await api('POST', `/v1/robots/${robotId}/once-codes`, {})).json;
  const admitted = await api('POST', '/v1/sessions', { robotId, onceCode }, {});
  expect(admitted.status).toBe(201);
  const socket = new WebSocket(url.replace('http', 'ws') + admitted.json.channelPath);
  const messages: Array<{ type: string; reason?: string }> = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const ended = new Promise<{ type: string; reason?: string } | undefined>((resolve) => socket.on('close', () => resolve(messages.at(-1))));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'hello', token: admitted.json.token, protocol: 1 }));
  return { socket, ended, closed: () => socket.readyState === WebSocket.CLOSED };
}

describe('dhkit serve --workers 3', () => {
  it('a worker stopped with SIGTERM hands its sessions back at once, and is replaced', async () => {
    expect((await api('POST', '/v1/robots', { id: 'w', name: 'W', concurrency: 6 })).status).toBe(201);
    const sessions = [];
    for (let i = 0; i < 6; i++) sessions.push(await openSession('w'));
    expect((await api('GET', '/v1/robots/w/sessions')).json.sessions).toHaveLength(6);
    const pids = workerPids();
    expect(pids).toHaveLength(3);

    // All come from 127.0.0.1, so one worker serves all six (sticky by address); stop workers until it has gone.
    let ended = 0;
    for (const pid of pids) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 15_000;
      while (workerPids().includes(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(workerPids()).not.toContain(pid);
      // The stopped worker's channels close around its exit, and their close events reach this process one by one:
      // count once the count stops moving (counting at once saw 1 of 6 closed, then listed 0 of the "5" left).
      for (let settled = -1; settled !== ended; await new Promise((resolve) => setTimeout(resolve, 300))) {
        settled = ended;
        ended = sessions.filter((s) => s.closed()).length;
      }
      if (ended > 0) break;
    }
    expect(ended).toBeGreaterThan(0);
    // The primary replaced the stopped workers.
    const deadline = Date.now() + 30_000;
    while (workerPids().length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(workerPids()).toHaveLength(3);
    // The stopped worker's slots are free now, 120 s before their leases would have run out.
    // Asked at once, while the replacements may all still be starting: the connection waits for the first one ready
    // (it was reset when the test had stopped every worker in turn and none was ready yet).
    const listed = await api('GET', '/v1/robots/w/sessions');
    expect(listed.json.sessions).toHaveLength(6 - ended);
    for (let i = 0; i < ended; i++) await openSession('w');
  });
});
