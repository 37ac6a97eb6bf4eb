/**
 * The sticky-routing examples in deploy/ run for real: Debian's nginx and HAProxy on loopback, each in front of
 * two `dhkit serve` processes (built output) sharing one PostgreSQL database. Through each proxy, visitors are
 * admitted, talk on their channel WebSocket, drop it and resume — which works only where the resume reaches
 * the process that admitted them (the other process does not know the session, as the test checks first).
 * A proxy whose binary is missing is skipped with a note (apt-get install nginx-light haproxy).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '@dhkit/protocol';
import { ADMIN, ADMIN_KEY } from './helpers.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { Visitor } from './visitor.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function binary(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`], { encoding: 'utf8' });
  const location = found.stdout.trim().split('\n')[0];
  return found.status === 0 && location ? location : null;
}

const NGINX = binary('nginx');
const HAPROXY = binary('haproxy');
const POSTGRES = postgresAvailable();
for (const [name, location] of [
  ['nginx', NGINX],
  ['haproxy', HAPROXY],
] as const) {
  if (!location) console.warn(`sticky-proxies: ${name} is not installed (apt-get install nginx-light haproxy); its test is skipped.`);
}
if (!POSTGRES) console.warn('sticky-proxies: PostgreSQL (initdb, pg_ctl) is not installed; skipped.');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a child and resolves once `ready` matches its output (rejects if it exits first). */
function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: string }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, match: match[1] ?? '' });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
  });
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resolves once something accepts connections on the port (the proxies print nothing when ready). */
async function listening(port: number, proxy: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proxy.exitCode !== null) throw new Error(`the proxy exited with ${proxy.exitCode} (its output is above)`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The example config with this run's ports: the proxy listens on `port`, the two backends on theirs. */
function exampleConfig(file: string, listen: RegExp, port: number, backends: number[]): string {
  let text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  expect(text).toMatch(listen);
  text = text.replace(listen, (line) =>
    line.replace(/:?80;?$/, (end) => (end.startsWith(':') ? `127.0.0.1:${port}` : `127.0.0.1:${port};`)),
  );
  expect(text).toContain('127.0.0.1:8081');
  return text.replace('127.0.0.1:8081', `127.0.0.1:${backends[0]}`).replace('127.0.0.1:8082', `127.0.0.1:${backends[1]}`);
}

/** A channel socket's answer to a resuming hello: the welcome, or how it was refused. */
async function resume(url: string, channelPath: string, token: string): Promise<ServerMessage | { closed: number }> {
  const socket = new WebSocket(url.replace('http', 'ws') + channelPath);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', token, protocol: 1, resume: true })));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type !== 'welcome') return;
      resolve(message);
      socket.terminate(); // a lost connection, not a goodbye: the session waits for the next resume
    });
    socket.once('close', (code) => resolve({ closed: code }));
  });
}

let pgCluster: PostgresCluster;
const backends: Array<{ child: ChildProcess; url: string; port: number }> = [];
let workDir = '';

beforeAll(async () => {
  if (!POSTGRES || (!NGINX && !HAPROXY)) return;
  execFileSync('npx', ['tsc', '-b', 'packages/protocol', 'server'], { cwd: ROOT, stdio: 'ignore' });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dhkit-proxies-'));
  fs.chmodSync(workDir, 0o755); // nginx's workers (nobody) create their temp files below it
  pgCluster = await startPostgresCluster();
  const databaseUrl = await pgCluster.createDatabase('sticky');
  for (let i = 0; i < 2; i++) {
    const env = {
      ...process.env,
      DHKIT_LOG_LEVEL: 'warn',
      DHKIT_DEMO: '0',
      DHKIT_ADMIN_KEY: ADMIN_KEY,
      DHKIT_DATABASE_URL: databaseUrl,
      DHKIT_TRUST_PROXY: '1',
    };
    const args = [path.join(ROOT, 'server/bin/dhkit.js'), 'serve', '--host', '127.0.0.1', '--port', '0'];
    const { child, match } = await startChild(process.execPath, args, env, /listening on (http:\/\/\S+)/);
    backends.push({ child, url: match, port: Number(new URL(match).port) });
  }
  const created = await fetch(`${backends[0].url}/v1/robots`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'sticky', name: 'Sticky', concurrency: 20 }),
  });
  expect(created.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await Promise.all(backends.map((backend) => stopChild(backend.child)));
  await pgCluster?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** Four visitors through the proxy: admitted, welcomed, a drop and a resume each, all on their own process. */
async function sessionsThrough(proxyUrl: string): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const visitor = await Visitor.admit(proxyUrl, 'sticky');
    const { sessionId, channelPath, token } = visitor.info;
    visitor.send({ type: 'ping', t: Date.now() });
    await visitor.until((m) => m.type === 'pong');
    // Exactly one process holds the session: a channel that reached the other one is refused.
    const answers = await Promise.all(backends.map((backend) => resume(backend.url, channelPath, token)));
    const owners = answers.filter((answer) => 'type' in answer && answer.type === 'welcome');
    expect(owners, JSON.stringify(answers)).toHaveLength(1);
    // The network drops; the page resumes through the proxy and lands on the same process.
    visitor.socket.terminate();
    const resumed = await resume(proxyUrl, channelPath, token);
    expect(resumed).toMatchObject({ type: 'welcome', sessionId, resumed: true });
  }
}

describe.skipIf(!POSTGRES)('sticky routing examples', () => {
  it.skipIf(!NGINX)(
    'nginx (deploy/nginx/dhkit.conf): admission, channel and resume reach the same process',
    async () => {
      const port = await freePort();
      const site = exampleConfig('deploy/nginx/dhkit.conf', /^\s*listen 80;$/m, port, [backends[0].port, backends[1].port]);
      const confDir = path.join(workDir, 'nginx');
      fs.mkdirSync(confDir, { recursive: true });
      fs.writeFileSync(path.join(confDir, 'dhkit.conf'), site);
      const temp = (name: string) => `${name}_temp_path ${path.join(confDir, name)};`;
      const main = [
        'daemon off;',
        'worker_processes 1;',
        `pid ${path.join(confDir, 'nginx.pid')};`,
        'error_log stderr warn;',
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
        `  include ${path.join(confDir, 'dhkit.conf')};`,
        '}',
      ].join('\n');
      fs.writeFileSync(path.join(confDir, 'nginx.conf'), main);
      const nginx = spawn(NGINX!, ['-c', path.join(confDir, 'nginx.conf'), '-p', confDir], { stdio: 'inherit' });
      try {
        await listening(port, nginx);
        await sessionsThrough(`http://127.0.0.1:${port}`);
      } finally {
        await stopChild(nginx);
      }
    },
    120_000,
  );

  it.skipIf(!HAPROXY)(
    'HAProxy (deploy/haproxy/dhkit.cfg): admission, channel and resume reach the same process',
    async () => {
      const port = await freePort();
      const config = exampleConfig('deploy/haproxy/dhkit.cfg', /^\s*bind :80$/m, port, [backends[0].port, backends[1].port]);
      const file = path.join(workDir, 'haproxy.cfg');
      fs.writeFileSync(file, config);
      const haproxy = spawn(HAPROXY!, ['-f', file, '-db'], { stdio: 'inherit' });
      try {
        await listening(port, haproxy);
        await sessionsThrough(`http://127.0.0.1:${port}`);
      } finally {
        await stopChild(haproxy);
      }
    },
    120_000,
  );
});
