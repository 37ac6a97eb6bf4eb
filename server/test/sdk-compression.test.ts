import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../src/app.js';
import { ADMIN_KEY, tempDir } from './helpers.js';

const sdkDir = fileURLToPath(new URL('../../packages/sdk/dist/', import.meta.url));
const built = fs.existsSync(path.join(sdkDir, 'dhkit.umd.js.br'));

/** /sdk/*.js goes out compressed (brotli, else gzip), as the SDK build precompressed it. */
describe.skipIf(!built)('compressed SDK scripts (run the build first)', () => {
  let app: FastifyInstance;
  const original = built ? fs.readFileSync(path.join(sdkDir, 'dhkit.umd.js')) : Buffer.alloc(0);
  beforeAll(async () => {
    app = await createApp({ dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent', demo: false, sdkDir });
  });
  afterAll(() => app.close());

  const get = (encoding?: string) => app.inject({ url: '/sdk/dhkit.umd.js', headers: encoding ? { 'accept-encoding': encoding } : {} });

  it('brotli when the browser takes it, the same script once decoded', async () => {
    const response = await get('gzip, deflate, br');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.rawPayload.length).toBeLessThan(original.length / 2.5);
    expect(brotliDecompressSync(response.rawPayload).equals(original)).toBe(true);
  });

  it('gzip for a client without brotli, identity for one without either', async () => {
    const gzip = await get('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).equals(original)).toBe(true);
    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(original)).toBe(true);
  });

  it('other files without a compressed copy still come (demo pictures, voice models)', async () => {
    const model = await get('br').then(() => app.inject({ url: '/sdk/voice/silero_vad_v5.onnx', headers: { 'accept-encoding': 'br' } }));
    expect(model.statusCode).toBe(200);
    expect(model.headers['content-encoding']).toBeUndefined();
  });
});
