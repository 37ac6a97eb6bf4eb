/** The console's "play sample": a robot's voice through its own speech engine (real espeak-ng), as WAV. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'silent' });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sample = (robotId: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  fetch(`${server.url}/v1/robots/${robotId}/voice-sample`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('POST /v1/robots/:id/voice-sample', () => {
  it('speaks a sentence in each language as mono 16-bit WAV', async () => {
    for (const language of ['zh_CN', 'en_US']) {
      const response = await sample('demo', { language });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('audio/wav');
      const wav = Buffer.from(await response.arrayBuffer());
      expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
      expect(wav.subarray(8, 16).toString('ascii')).toBe('WAVEfmt ');
      const rate = wav.readUInt32LE(24);
      const dataBytes = wav.readUInt32LE(40);
      expect(dataBytes).toBe(wav.length - 44);
      // At least half a second of speech.
      expect(dataBytes / 2 / rate).toBeGreaterThan(0.5);
    }
  });

  it('tries an unsaved voice, and refuses one that does not speak the language', async () => {
    expect((await sample('demo', { language: 'en_US', voice: 'en-gb', text: 'Good morning.' })).status).toBe(200);
    const refused = await sample('demo', { language: 'zh_CN', voice: 'en-us' });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.code).toBe('INVALID_REQUEST');
    expect((await sample('demo', { language: 'fr_FR' })).status).toBe(400);
    expect((await sample('demo', { language: 'en_US', voice: '--help; rm' })).status).toBe(400);
    expect((await sample('nobody', { language: 'en_US' })).status).toBe(404);
    expect((await sample('demo', { language: 'en_US' }, {})).status).toBe(401);
  });
});
