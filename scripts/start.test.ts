import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(path.join(root, 'server/dist/cli.js')) && existsSync(path.join(root, 'packages/sdk/dist/dhkit.umd.js'));

/** `npm start` as a user runs it, stopped with `kill <pid of npm>`: npm does not pass the signal on by itself. */
describe.skipIf(!built)('npm start (run the build first)', () => {
  it('shuts the server down gracefully when the npm process is killed', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dhkit-start-'));
    const npm = spawn('npm', ['start', '--', '--port', '0', '--host', '127.0.0.1', '--data', dataDir], {
      cwd: root,
      env: { ...process.env, DHKIT_ADMIN_KEY: 'start-test-key-padded-to-thirty-two-characters', DHKIT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that the test can clean up npm, the start script and the server together.
      detached: true,
    });
    let output = '';
    const seen = (pattern: RegExp, ms: number) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${output}`)), ms);
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          }
        };
        npm.stdout.on('data', (chunk) => ((output += chunk), check()));
        npm.stderr.on('data', (chunk) => ((output += chunk), check()));
        check();
      });
    try {
      const [, url] = await seen(/listening on (http:\/\/\S+)/, 60_000);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      npm.kill('SIGTERM');
      await seen(/closing sessions and shutting down/, 10_000);
      await expect
        .poll(
          () =>
            fetch(`${url}/healthz`).then(
              () => 'up',
              () => 'down',
            ),
          { timeout: 10_000 },
        )
        .toBe('down');
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // All gone already.
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
