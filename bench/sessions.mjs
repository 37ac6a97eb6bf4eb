#!/usr/bin/env node
// `npm run bench:sessions`: idle connected sessions held by one `dhkit serve` process (SQLite): SESSIONS
// visitors are admitted and open their channel (hello, then a ping every heartbeat interval), and the run
// reports the server's resident memory before and after, memory per session, and how long admitting and
// connecting took. Prints JSON. Target (docs/scaling.md): ≥ 5,000 idle sessions per process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { benchClient, requireBuild, spawnDhkit, stopDhkit } from './lib/dhkit-process.mjs';
import { percentile } from './lib/stats.mjs';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 5000);
const IN_FLIGHT = 32;
const PER_ROBOT = 1024;

requireBuild('bench:sessions');
const client = benchClient(IN_FLIGHT);
const { request, admin } = client;

const rssMiB = (pid) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? +(Number(match[1]) / 1024).toFixed(1) : null;
};

async function pool(count, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dhkit-bench-sessions-'));
const { url, child } = await spawnDhkit({ DHKIT_DATA_DIR: dataDir, DHKIT_MAX_SESSIONS: String(SESSIONS + 100) });

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
    codes[i] = (await admin(url, 'POST', `/v1/robots/idle-${Math.floor(i / PER_ROBOT)}/once-codes`, {})).json().onceCode;
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rssBefore = rssMiB(child.pid);

  const connectMs = new Float64Array(SESSIONS);
  const started = performance.now();
  await pool(SESSIONS, async (i) => {
    const t0 = performance.now();
    const admitted = await request(url, 'POST', '/v1/sessions', { robotId: `idle-${Math.floor(i / PER_ROBOT)}`, onceCode: codes[i] });
    if (admitted.status !== 201) throw new Error(`admission ${admitted.status}: ${admitted.body}`);
    const info = admitted.json();
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
          latencyMs: { p50: percentile(connectMs, 50, 2), p99: percentile(connectMs, 99, 2), max: percentile(connectMs, 100, 2) },
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
  client.close();
  await stopDhkit(child);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
