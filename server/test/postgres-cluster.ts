/**
 * A throwaway PostgreSQL cluster for tests and benchmarks, made from the machine's own binaries
 * (`initdb`, `pg_ctl`, `postgres` on PATH). PostgreSQL refuses to run as root, so when we are root the
 * cluster runs as the `postgres` OS user (created if missing). It listens on a random free port on
 * 127.0.0.1 and on a unix socket in its own temp dir; `stop()` shuts it down and removes everything. A cluster not
 * stopped when its process exits or is ended by a signal (a test that timed out, a run cut short) is stopped then.
 *
 *   const cluster = await startPostgresCluster();
 *   const url = await cluster.createDatabase('t1');   // postgres://postgres@127.0.0.1:PORT/t1
 *   …
 *   await cluster.stop();
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
  port: number;
  /** Connection URL of the `postgres` database (for admin work). */
  adminUrl: string;
  /** Creates a fresh empty database and returns its connection URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (an outage) keeping its data; resume() starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const OS_USER = 'postgres';

/** True when initdb and pg_ctl are on PATH. */
export function postgresAvailable(): boolean {
  return ['initdb', 'pg_ctl'].every((binary) => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function ensureOsUser(): void {
  if (spawnSync('id', ['-u', OS_USER]).status === 0) return;
  execFileSync('useradd', ['-r', '-m', OS_USER], { stdio: 'ignore' });
}

/** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
function runPg(binary: string, args: string[]): void {
  const [command, argv] = isRoot() ? ['runuser', ['-u', OS_USER, '--', binary, ...args]] : [binary, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${binary} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The clusters this process started and has not stopped, each with a synchronous stop. A test that times out never
 * reaches its `stop()`, and its cluster (a postgres server and its temp dir) would outlive the run; these clusters
 * pile up on a shared machine. So they are stopped when the process exits, and on a signal that would end it.
 */
const running = new Set<() => void>();
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function stopRunningClusters(): void {
  for (const stop of [...running]) {
    try {
      stop();
    } catch {
      // Exiting anyway: the next cluster still gets its stop.
    }
  }
}

function stopOnExit(stop: () => void): void {
  if (running.size === 0) {
    process.on('exit', stopRunningClusters);
    for (const signal of ENDING_SIGNALS) process.on(signal, onEndingSignal);
  }
  running.add(stop);
}

function forgetOnExit(stop: () => void): void {
  running.delete(stop);
  if (running.size > 0) return;
  process.off('exit', stopRunningClusters);
  for (const signal of ENDING_SIGNALS) process.off(signal, onEndingSignal);
}

/** Stops the clusters, then lets the signal end the process as it would have (unless someone else handles it). */
function onEndingSignal(signal: NodeJS.Signals): void {
  stopRunningClusters();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * fsync off: a test cluster never needs to survive a power cut; max_connections covers several pools.
 * DHKIT_TEST_PG_SETTINGS adds settings (space-separated `name=value`), e.g. to profile a benchmark's database:
 * `shared_preload_libraries=pg_stat_statements track_functions=all`.
 */
function serverOptions(port: number, dir?: string): string {
  const socketDir = dir ? ` -k ${dir}` : '';
  const extra = process.env.DHKIT_TEST_PG_SETTINGS?.trim();
  const base = 'listen_addresses=127.0.0.1 fsync=off synchronous_commit=off full_page_writes=off max_connections=200';
  const settings = extra ? `${base} ${extra}` : base;
  return `-p ${port}${socketDir} ${settings
    .split(' ')
    .map((setting) => `-c ${setting}`)
    .join(' ')}`;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  if (isRoot()) ensureOsUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dhkit-pg-'));
  const dataDir = path.join(dir, 'data');
  if (isRoot()) execFileSync('chown', [OS_USER, dir]);
  fs.chmodSync(dir, 0o755);
  runPg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      runPg('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'log'), '-o', serverOptions(port, dir), '-w', '-t', '30', 'start']);
      break;
    } catch (error) {
      if (attempt >= 2) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let counter = 0;
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    forgetOnExit(stopNow);
    try {
      runPg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  stopOnExit(stopNow);
  const stop = async () => stopNow();
  return {
    port,
    adminUrl,
    async createDatabase(name) {
      const database = name ?? `db_${process.pid}_${++counter}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name ${database}`);
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${database}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    },
    async pause() {
      // A fast stop: connections drop at once, as in an outage, but what was committed stays. (This cluster runs
      // with synchronous_commit=off for speed; an immediate stop would lose the last commits, which no PostgreSQL
      // run with the default synchronous_commit=on loses — the sessions admitted just before would vanish.)
      runPg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
    async resume() {
      runPg('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'log'), '-o', serverOptions(port, dir), '-w', '-t', '30', 'start']);
    },
    stop,
  };
}
