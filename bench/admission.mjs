#!/usr/bin/env node
// `npm run bench:admission`: admissions (once-code + lease) per second and p50/p99 latency over loopback
// HTTP, against real `dhkit serve` processes:
//   - SQLite, one process;
//   - PostgreSQL (a throwaway cluster from the machine's initdb/pg_ctl), two processes sharing the database,
//     requests alternating between them.
// Codes are minted first (not timed); then ADMISSIONS requests run with CONNECTIONS in flight. Every robot
// gets concurrency 1024, and the run checks that no robot was admitted past it. Prints JSON, with the CPU time
// per admission of the server processes, of PostgreSQL's processes and of this client over the timed phase: on a
// shared machine the rates move with other people's load, the CPU each admission costs much less.
// Target (docs/benchmarks.md): SQLite ≥ 5,000/s, p99 ≤ 15 ms on 2 cores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { cpuMeter } from './lib/cpu-time.mjs';
import { ROOT, benchClient, requireBuild, spawnDhkit, stopDhkit } from './lib/dhkit-process.mjs';
import { percentile } from './lib/stats.mjs';

const ADMISSIONS = Number(process.env.BENCH_ADMISSIONS ?? 20_000);
// 16 in flight keeps both cores busy; many more only add queueing to the latency.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CONCURRENCY = 1024;

requireBuild('bench:admission');
const client = benchClient(CONNECTIONS);
const { request, admin } = client;
// BENCH_SERVER_NODE_ARGS: node flags for the servers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (one profile each).
const serverNodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const spawnServer = (env) => spawnDhkit({ DHKIT_MAX_SESSIONS: '1000000', ...env }, serverNodeArgs);

/** The load average, one minute, to two decimals. */
const loadAverage = () => Math.round(os.loadavg()[0] * 100) / 100;

/** Creates the bench robots, mints ADMISSIONS once-codes (untimed) and warms the servers up; returns the codes. */
async function prepare(urls, robots) {
  const codes = [];
  for (let r = 0; r < robots; r++) {
    const id = `bench-${r}`;
    const created = await admin(urls[0], 'POST', '/v1/robots', { id, name: id, concurrency: CONCURRENCY });
    if (created.status !== 201) throw new Error(`robot: ${created.body}`);
  }
  // Mint (untimed), CONNECTIONS at a time.
  const wanted = Array.from({ length: ADMISSIONS }, (_, i) => `bench-${Math.floor(i / CONCURRENCY)}`);
  for (let i = 0; i < wanted.length; i += CONNECTIONS) {
    const batch = await Promise.all(
      wanted
        .slice(i, i + CONNECTIONS)
        .map((robotId, j) => admin(urls[(i + j) % urls.length], 'POST', `/v1/robots/${robotId}/once-codes`, {})),
    );
    batch.forEach((r, j) => codes.push({ robotId: wanted[i + j], onceCode: JSON.parse(r.body).onceCode }));
  }
  // Warm-up: a few admissions on a separate robot.
  await admin(urls[0], 'POST', '/v1/robots', { id: 'warm', name: 'warm', concurrency: 1024 });
  for (let i = 0; i < 200; i++) {
    const code = JSON.parse((await admin(urls[i % urls.length], 'POST', '/v1/robots/warm/once-codes', {})).body).onceCode;
    await request(urls[i % urls.length], 'POST', '/v1/sessions', { robotId: 'warm', onceCode: code });
  }
  return codes;
}

/**
 * `processes`: the servers' pids; `databasePids`: an async function listing the database's processes, if any.
 */
async function run(label, urls, processes, databasePids, databaseUrl) {
  const statistics = databaseUrl && process.env.BENCH_PG_STATS === '1';
  const robots = Math.ceil(ADMISSIONS / CONCURRENCY);
  const codes = await prepare(urls, robots);
  const latencies = new Float64Array(codes.length);
  const statuses = {};
  let next = 0;
  if (statistics) await databaseStatistics(databaseUrl, true);
  const loadAtStart = loadAverage();
  const serverCpu = await cpuMeter(processes);
  const databaseCpu = databasePids ? await cpuMeter(databasePids) : null;
  const clientCpuAtStart = process.cpuUsage();
  const started = performance.now();
  // On stderr, for a profiler started by hand (perf, strace) to take the timed phase only.
  console.error(`bench:admission: ${label} timed phase started`);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= codes.length) return;
        const t0 = performance.now();
        const res = await request(urls[i % urls.length], 'POST', '/v1/sessions', codes[i]);
        latencies[i] = performance.now() - t0;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientCpuAtStart);
  const admitted = statuses[201] ?? 0;
  const database = statistics ? await databaseStatistics(databaseUrl, false) : undefined;
  const perAdmission = (us) => (us === null ? undefined : Math.round(us / Math.max(1, admitted)));
  const cpuUsPerAdmission = {
    server: perAdmission(await serverCpu.stop()),
    database: perAdmission(databaseCpu ? await databaseCpu.stop() : null),
    client: perAdmission(clientCpu.user + clientCpu.system),
  };
  // Exactness: no robot holds more live sessions than its concurrency.
  let overAdmitted = 0;
  for (let r = 0; r < robots; r++) {
    // `inUse` counts every live lease; the listed sessions are only the first page.
    const listed = JSON.parse((await admin(urls[1 % urls.length], 'GET', `/v1/robots/bench-${r}/sessions?limit=1`)).body);
    overAdmitted += Math.max(0, listed.inUse - CONCURRENCY);
  }
  return {
    backend: label,
    processes: urls.length,
    requests: codes.length,
    connections: CONNECTIONS,
    statuses,
    admissionsPerSecond: Math.round(admitted / seconds),
    latencyMs: {
      p50: percentile(latencies, 50, 2),
      p90: percentile(latencies, 90, 2),
      p99: percentile(latencies, 99, 2),
      max: percentile(latencies, 100, 2),
    },
    overAdmitted,
    // Microseconds of CPU (user + system) per admission over the timed phase: all server processes together,
    // PostgreSQL's processes together (its backends, WAL writer, …), this client.
    cpuUsPerAdmission,
    loadAverage: { start: loadAtStart, end: loadAverage() },
    ...(database ? { database } : {}),
  };
}

/** Every process of the cluster behind `databaseUrl` (pg_stat_activity lists all but the postmaster). */
function databaseProcesses(databaseUrl) {
  return async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()');
      return rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  };
}

/**
 * BENCH_PG_STATS=1 (with DHKIT_TEST_PG_SETTINGS="shared_preload_libraries=pg_stat_statements track_functions=all"):
 * where the database's time went over the timed phase, per statement and per function (totals in ms).
 */
async function databaseStatistics(databaseUrl, reset) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (reset) {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT pg_stat_statements_reset(), pg_stat_reset()');
      return null;
    }
    const statements = await client.query(
      `SELECT calls, rows, round(total_exec_time::numeric, 1) AS "totalMs", round(total_plan_time::numeric, 1) AS "planMs",
              shared_blks_hit AS "blocksHit", wal_records AS "walRecords", left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`,
    );
    const functions = await client.query(
      `SELECT funcname AS name, calls, round(total_time::numeric, 1) AS "totalMs", round(self_time::numeric, 1) AS "selfMs"
         FROM pg_stat_user_functions ORDER BY total_time DESC`,
    );
    const tables = await client.query(
      `SELECT relname AS name, n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_hot_upd AS "hotUpdated", n_tup_del AS deleted,
              seq_scan AS "seqScans", idx_scan AS "indexScans" FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0`,
    );
    return { statements: statements.rows, functions: functions.rows, tables: tables.rows };
  } finally {
    await client.end();
  }
}

/** The PostgreSQL harness is TypeScript (shared with the tests); transpile it next to this file to import it. */
async function loadPostgresHarness() {
  const { transformSync } = await import('esbuild');
  const source = fs.readFileSync(path.join(ROOT, 'server/test/postgres-cluster.ts'), 'utf8');
  const out = path.join(ROOT, 'bench', '.postgres-cluster.tmp.mjs');
  fs.writeFileSync(out, transformSync(source, { loader: 'ts', format: 'esm' }).code);
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    fs.rmSync(out, { force: true });
  }
}

const results = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, runs: [] };

if (process.env.BENCH_SKIP_SQLITE !== '1') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dhkit-bench-adm-'));
  const sqlite = await spawnServer({ DHKIT_DATA_DIR: dataDir });
  try {
    results.runs.push(await run('sqlite', [sqlite.url], [sqlite.child.pid]));
  } finally {
    await stopDhkit(sqlite.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_SKIP_POSTGRES !== '1') {
  const { startPostgresCluster, postgresAvailable } = await loadPostgresHarness();
  if (!postgresAvailable()) {
    results.runs.push({ backend: 'postgres', skipped: 'initdb/pg_ctl not on PATH' });
  } else {
    const cluster = await startPostgresCluster();
    const servers = [];
    try {
      const databaseUrl = await cluster.createDatabase('bench');
      for (let i = 0; i < 2; i++) servers.push(await spawnServer({ DHKIT_DATABASE_URL: databaseUrl }));
      const urls = servers.map((s) => s.url);
      results.runs.push(
        await run(
          'postgres',
          urls,
          servers.map((s) => s.child.pid),
          databaseProcesses(databaseUrl),
          databaseUrl,
        ),
      );
    } finally {
      await Promise.all(servers.map((s) => stopDhkit(s.child)));
      await cluster.stop();
    }
  }
}

client.close();
console.log(JSON.stringify(results, null, 2));
