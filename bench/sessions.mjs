#!/usr/bin/env node
// `npm run bench:sessions`: idle connected sessions held by one `dhkit serve` process (SQLite): SESSIONS
// visitors are admitted and open their channel (hello, then a ping every heartbeat interval), and the run
// reports the server's resident memory before and after, memory per session, and how long admitting and
// connecting took. Prints JSON. Target (docs/scaling.md): ≥ 5,000 idle sessions per process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 5000);
const IN_FLIGHT = 32;
const ADMIN_KEY = 'bench-admin-key-0123456789-padded-to-32-characters';
const PER_ROBOT = 1024;

if (!fs.existsSync(path.join(ROOT, 'server/dist/cli.js'))) {
  console.error('bench:sessions: build first (npm run build).');
  process.exit(1);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function request(base, method, route, body, headers = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(route, base),
      {
        method,
        agent,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
const admin = (base, method, route, body) => request(base, method, route, body, { authorization: `Bearer ${ADMIN_KEY}` });

const rssMiB = (pid) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? +(Number(match[1]) / 1024).toFixed(1) : null;
};
const percentile = (sorted, p) => +sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(2);

async function pool(count, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dhkit-bench-sessions-'));
const child = spawn(process.execPath, [path.join(ROOT, 'server/bin/dhkit.js'), 'serve', '--host', '127.0.0.1', '--port', '0'], {
  env: {
    ...process.env,
    DHKIT_DATA_DIR: dataDir,
    DHKIT_LOG_LEVEL: 'error',
    DHKIT_DEMO: '0',
    DHKIT_ADMIN_KEY: ADMIN_KEY,
    DHKIT_MAX_SESSIONS: String(SESSIONS + 100),
    DHKIT_ONCE_CODE_RATE: '1000000',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const url = await new Promise((resolve, reject) => {
  let output = '';
  const onData = (chunk) => {
    output += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', (code) => reject(new Error(`dhkit serve exited (${code}): ${output}`)));
});

const sockets = [];
try {
  const robots = Math.ceil(SESSIONS / PER_ROBOT);
  for (let r = 0; r < robots; r++) {
    // Idle sessions must not time out during the run.
    const id = `idle-${r}`;
    await admin(url, 'POST', '/v1/robots', { id, name: id, concurrency: PER_ROBOT, idleTimeoutSeconds: 3600, maxSessionSeconds: 7200 });
  }
  const codes = new Array(SESSIONS);
  await pool(SESSIONS, async (i) => {
    codes[i] = (await admin(url, 'POST', `/v1/robots/idle-${Math.floor(i / PER_ROBOT)}/once-codes`, {})).json.onceCode;
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rssBefore = rssMiB(child.pid);

  const connectMs = new Float64Array(SESSIONS);
  const started = performance.now();
  await pool(SESSIONS, async (i) => {
    const t0 = performance.now();
    const admitted = await request(url, 'POST', '/v1/sessions', { robotId: `idle-${Math.floor(i / PER_ROBOT)}`, onceCode: codes[i] });
    if (admitted.status !== 201) throw new Error(`admission ${admitted.status}: ${JSON.stringify(admitted.json)}`);
    const info = admitted.json;
    const socket = new WebSocket(url.replace('http', 'ws') + info.channelPath);
    await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.on('message', function onMessage(data) {
        if (JSON.parse(data.toString()).type === 'welcome') {
          socket.off('message', onMessage);
          resolve();
        }
      });
      socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', token: info.token, protocol: 1 })));
    });
    socket.heartbeat = setInterval(() => socket.send(JSON.stringify({ type: 'ping', t: Date.now() })), info.heartbeatIntervalMs);
    sockets.push(socket);
    connectMs[i] = performance.now() - t0;
  });
  const connectSeconds = (performance.now() - started) / 1000;
  // Let the heartbeats and a lease renewal run over every session before measuring.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const rssAfter = rssMiB(child.pid);
  const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  const sorted = [...connectMs].sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        machine: {
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model,
          node: process.version,
          loadAverage: os.loadavg().map((l) => +l.toFixed(1)),
        },
        sessions: SESSIONS,
        openAfter10s: open,
        rssMiB: { before: rssBefore, after: rssAfter },
        rssPerSessionKiB: +(((rssAfter - rssBefore) * 1024) / SESSIONS).toFixed(1),
        connect: {
          totalSeconds: +connectSeconds.toFixed(2),
          perSecond: Math.round(SESSIONS / connectSeconds),
          latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) },
        },
      },
      null,
      2,
    ),
  );
} finally {
  for (const socket of sockets) {
    clearInterval(socket.heartbeat);
    socket.terminate();
  }
  agent.destroy();
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM'))));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
