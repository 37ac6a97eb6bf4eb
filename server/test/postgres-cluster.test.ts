import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from './postgres-cluster.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A cluster whose process ends without `stop()` (a test that timed out, a run cut short) is stopped by the harness
 * itself. Checked in a child process that starts one and then exits or is ended by SIGTERM: the cluster's port must
 * refuse connections once the child is gone, and the child must end as it would have without the harness.
 */
describe.skipIf(!postgresAvailable())('the PostgreSQL test cluster outlives no process', () => {
  // The harness is TypeScript; the child (plain node) imports it transpiled, from inside the repository so `pg` resolves.
  const harness = path.join(ROOT, '.tmp', `postgres-cluster-${process.pid}.mjs`);
  beforeAll(() => {
    fs.mkdirSync(path.dirname(harness), { recursive: true });
    const source = fs.readFileSync(path.join(ROOT, 'server/test/postgres-cluster.ts'), 'utf8');
    fs.writeFileSync(harness, transformSync(source, { loader: 'ts', format: 'esm' }).code);
  });
  afterAll(() => fs.rmSync(harness, { force: true }));

  /** Starts a child that starts a cluster, prints its port, then runs `then`; resolves with the port and how it ended. */
  async function clusterInChild(then: string, end?: NodeJS.Signals) {
    const script = [
      `import { startPostgresCluster } from ${JSON.stringify(pathToFileURL(harness).href)};`,
      'const cluster = await startPostgresCluster();',
      "console.log('port ' + cluster.port);",
      then,
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let printed = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        printed += chunk;
        const match = /port (\d+)/.exec(printed);
        if (match) resolve(Number(match[1]));
      });
      void ended.then(() => reject(new Error(`the child ended before its cluster started: ${printed}`)));
    });
    if (end) child.kill(end);
    return { port, ...(await ended) };
  }

  const refuses = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });

  it('stops it when the process exits without stopping it', async () => {
    const { port, code } = await clusterInChild('process.exitCode = 3;');
    expect(code).toBe(3);
    expect(await refuses(port)).toBe(true);
  }, 120_000);

  it('stops it when the process is ended by SIGTERM, and the process still ends by that signal', async () => {
    const { port, signal } = await clusterInChild('setInterval(() => {}, 1000);', 'SIGTERM');
    expect(signal).toBe('SIGTERM');
    expect(await refuses(port)).toBe(true);
  }, 120_000);
});
