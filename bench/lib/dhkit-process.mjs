// A real `dhkit serve` process for the benchmarks that load the server from outside (admission, sessions), and
// the small HTTP client they talk to it with: keep-alive, JSON bodies, the admin key when asked.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789-padded-to-32-characters';

/** Exits with a note when the server has not been built (the benchmarks run the build, not the sources). */
export function requireBuild(benchmark) {
  if (fs.existsSync(path.join(ROOT, 'server/dist/cli.js'))) return;
  console.error(`${benchmark}: build first (npm run build).`);
  process.exit(1);
}

/**
 * Starts `dhkit serve` on a free loopback port with the bench admin key; resolves with its URL once it listens.
 * `nodeArgs`: flags for node itself (`--cpu-prof` is not allowed in NODE_OPTIONS).
 */
export function spawnDhkit(env, nodeArgs = []) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(ROOT, 'server/bin/dhkit.js'), 'serve', '--host', '127.0.0.1', '--port', '0'],
    {
      env: {
        ...process.env,
        DHKIT_LOG_LEVEL: 'error',
        DHKIT_DEMO: '0',
        DHKIT_ADMIN_KEY: BENCH_ADMIN_KEY,
        DHKIT_ONCE_CODE_RATE: '1000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1], child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`dhkit serve exited (${code}): ${output}`)));
  });
}

/** Stops a server started by spawnDhkit (SIGTERM: it drains and exits). */
export async function stopDhkit(child) {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/**
 * An HTTP client with at most `maxSockets` keep-alive connections. `request` resolves with the status, the body's
 * text and `json()`; `admin` sends the bench admin key; `close` ends the connections.
 */
export function benchClient(maxSockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (base, method, route, body, headers = {}) => {
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
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode, body, json: () => JSON.parse(body || 'null') });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  };
  const admin = (base, method, route, body) => request(base, method, route, body, { authorization: `Bearer ${BENCH_ADMIN_KEY}` });
  return { request, admin, close: () => agent.destroy() };
}
