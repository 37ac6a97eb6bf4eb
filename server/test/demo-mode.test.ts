import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.js';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

/** `npm start` serves the demo at every start, first or hundredth, until production turns it off. */
describe('demo mode', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
    vi.restoreAllMocks();
  });

  it('stays on when the same data folder starts again, and comes back if the demo robot was deleted', async () => {
    const dataDir = tempDir();
    const first = await createApp({ dataDir, adminKey: ADMIN_KEY, logLevel: 'silent', sdkDir: null });
    expect((await first.inject('/')).statusCode).toBe(200);
    expect((await first.inject({ method: 'DELETE', url: '/v1/robots/demo', headers: ADMIN })).statusCode).toBe(204);
    // Until the next start, the demo page's once-code route says the robot is gone (not a server fault).
    const gone = await first.inject({
      method: 'POST',
      url: '/demo/once-code',
      headers: { 'content-type': 'application/json' },
      payload: 'null',
    });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('ROBOT_NOT_FOUND');
    await first.close();
    for (let start = 2; start <= 3; start++) {
      const again = await createApp({ dataDir, adminKey: ADMIN_KEY, logLevel: 'silent', sdkDir: null });
      expect(again.dhkit.demo, `start ${start}`).toBe(true);
      expect((await again.inject('/')).statusCode, `start ${start}`).toBe(200);
      const code = await again.inject({ method: 'POST', url: '/demo/once-code' });
      expect(code.statusCode, `start ${start}`).toBe(201);
      await again.close();
    }
  });

  it('is off only when asked (DHKIT_DEMO=0, --no-demo)', async () => {
    const app = await createApp({ dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent', sdkDir: null, demo: false });
    expect((await app.inject('/')).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/demo/once-code' })).statusCode).toBe(404);
    await app.close();
  });

  it('warns at start-up when the demo is on and the server listens beyond loopback', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    running = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent', sdkDir: null });
    expect(warn).not.toHaveBeenCalled();
    expect(log.mock.calls.flat().join('\n')).toMatch(/demo on http:\/\/127\.0\.0\.1:\d+\/.*DHKIT_DEMO=0 or --no-demo/);
    await running.close();

    running = await startServer({ port: 0, host: '0.0.0.0', dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent', sdkDir: null });
    expect(warn.mock.calls.flat().join('\n')).toMatch(/demo mode is on and the server listens on 0\.0\.0\.0.*DHKIT_DEMO=0 or --no-demo/);
    await running.close();

    warn.mockClear();
    running = await startServer({
      port: 0,
      host: '0.0.0.0',
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      logLevel: 'silent',
      sdkDir: null,
      demo: false,
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('prints the demo warning once, and asks for DHKIT_PUBLIC_URL only when a robot streams from a renderer', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const lines: string[] = [];
    const logStream = { write: (line: string) => void lines.push(line) };
    const dataDir = tempDir();
    const start = () => startServer({ port: 0, host: '0.0.0.0', dataDir, adminKey: ADMIN_KEY, logLevel: 'warn', logStream, sdkDir: null });
    running = await start();
    expect(
      warn.mock.calls
        .flat()
        .join('\n')
        .match(/demo mode is on/g),
    ).toHaveLength(1);
    expect(lines.join('')).not.toMatch(/demo mode is on/);
    expect(lines.join('')).not.toMatch(/DHKIT_PUBLIC_URL/);

    const media = {
      mode: 'livekit',
      livekit: { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'a-livekit-test-secret-of-some-length' },
      renderer: { url: 'http://127.0.0.1:9', secret: 'renderer-test-secret-123456' },
    };
    const created = await fetch(`http://127.0.0.1:${running.port}/v1/robots`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'streamed', name: 'Streamed', media }),
    });
    expect(created.status).toBe(201);
    await running.close();
    running = await start();
    expect(lines.join('')).toMatch(/DHKIT_PUBLIC_URL is not set/);
  });
});
