import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Robot } from '@dhkit/protocol';
import { findEspeak } from '../src/adapters/tts/espeak-binary.js';
import { SpeechHealth } from '../src/adapters/tts/speech-check.js';
import { createApp } from '../src/app.js';
import { startServer, type RunningServer } from '../src/index.js';
import { sleep } from './brain-servers.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

/** A speech engine that is missing or lacks a voice is reported at start-up and on /healthz, never silent. */
describe('speech engine lookup and health', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
    vi.restoreAllMocks();
  });

  it('finds espeak-ng on PATH, wherever it is installed, and honours DHKIT_ESPEAK_PATH', () => {
    const installed = findEspeak({ PATH: process.env.PATH });
    expect(installed.binary).toMatch(/espeak-ng$/);
    // A Homebrew-like prefix: a directory on PATH holding (a link to) espeak-ng.
    const prefix = tempDir();
    fs.symlinkSync(installed.binary!, path.join(prefix, 'espeak-ng'));
    expect(findEspeak({ PATH: `/nonexistent${path.delimiter}${prefix}` }).binary).toBe(path.join(prefix, 'espeak-ng'));
    expect(findEspeak({ PATH: '/nonexistent' }).binary).toBeNull();
    expect(findEspeak({ PATH: '/nonexistent', DHKIT_ESPEAK_PATH: installed.binary! }).binary).toBe(installed.binary);
    expect(findEspeak({ PATH: process.env.PATH, DHKIT_ESPEAK_PATH: '/nonexistent/espeak-ng' })).toEqual({
      binary: null,
      lookedIn: 'DHKIT_ESPEAK_PATH=/nonexistent/espeak-ng',
    });
  });

  it('a missing espeak-ng: a start-up warning, /healthz degraded with the reason', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    running = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      logLevel: 'silent',
      sdkDir: null,
      espeakPath: '/nonexistent/espeak-ng',
    });
    expect(warn.mock.calls.flat().join('\n')).toMatch(/espeak-ng was not found \(looked in DHKIT_ESPEAK_PATH=\/nonexistent\/espeak-ng\)/);
    const health = await (await fetch(`${running.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'degraded', checks: { speech: { status: 'degraded', binary: null } } });
    expect(health.checks.speech.problems[0]).toMatch(/DHKIT_ESPEAK_PATH/);
  });

  it('a voice espeak-ng cannot speak is named with its robot on /healthz', async () => {
    const app = await createApp({ dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent', sdkDir: null, demo: false });
    try {
      expect((await app.inject('/healthz')).json()).toMatchObject({ status: 'ok' });
      const created = await app.inject({
        method: 'POST',
        url: '/v1/robots',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        payload: JSON.stringify({ id: 'klingon', name: 'K', languages: ['en_US'], voices: { en_US: 'en_nosuchvoice' } }),
      });
      expect(created.statusCode).toBe(201);
      const speech = await app.dhkit.context.speech!.check();
      expect(speech.status).toBe('degraded');
      expect(speech.problems.join('\n')).toMatch(/cannot speak voice "en_nosuchvoice" of robot klingon/);
      expect((await app.inject('/healthz')).json()).toMatchObject({ status: 'degraded' });
    } finally {
      await app.close();
    }
  });

  it('/healthz never waits for a re-check: the last result is answered while the next check runs', async () => {
    const robot = { id: 'r', languages: ['en_US'], voices: {} } as unknown as Robot;
    let probes = 0;
    // The first check speaks; the re-check's speech engine never answers (a machine too busy to start it).
    const probe = () => (++probes === 1 ? Promise.resolve(null) : new Promise<null>(() => {}));
    const health = new SpeechHealth({ binary: '/usr/bin/espeak-ng', lookedIn: 'PATH' }, async () => [robot], probe);
    expect(await health.current()).toMatchObject({ status: 'ok' });
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      const answer = await Promise.race([health.current(), sleep(1000).then(() => 'waited for the re-check')]);
      expect(answer).toMatchObject({ status: 'ok' });
      await vi.waitFor(() => expect(probes).toBe(2)); // the re-check did start
    } finally {
      clock.mockRestore();
    }
  });
});
