import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../src/app.js';
import { ADMIN_KEY, tempDir } from './helpers.js';

/**
 * /sdk/ caching: versioned URLs (`?v=<build id>`) are immutable for a year; everything else revalidates with a
 * strong ETag and gets a 304 when unchanged. Served from a build folder written here, so the rules are checked
 * whatever the real build holds.
 */
describe('SDK files: strong ETags and cache policy', () => {
  const BUILD_ID = 'a1b2c3d4e5f6';
  const sdkDir = tempDir();
  const entry = Buffer.from(`/* entry */ ${'console.log("dhkit");'.repeat(200)}`);
  const logLines: Array<Record<string, unknown>> = [];
  let app: FastifyInstance;

  beforeAll(async () => {
    fs.writeFileSync(path.join(sdkDir, 'dhkit.umd.js'), entry);
    fs.writeFileSync(path.join(sdkDir, 'dhkit.umd.js.br'), brotliCompressSync(entry));
    fs.writeFileSync(path.join(sdkDir, 'dhkit.umd.js.gz'), gzipSync(entry));
    fs.writeFileSync(path.join(sdkDir, 'build.json'), JSON.stringify({ version: '0.1.0', buildId: BUILD_ID }));
    fs.writeFileSync(path.join(sdkDir, '.secret'), 'not served');
    fs.mkdirSync(path.join(sdkDir, 'voice'));
    fs.writeFileSync(path.join(sdkDir, 'voice', 'model.onnx'), Buffer.from([1, 2, 3, 4]));
    app = await createApp({
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      logLevel: 'debug',
      logStream: { write: (line) => logLines.push(JSON.parse(line)) },
      demo: false,
      sdkDir,
    });
  });
  afterAll(() => app.close());

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  it('an unversioned entry revalidates (no-cache) with a strong ETag, and answers 304 when unchanged', async () => {
    const first = await get('/sdk/dhkit.umd.js', { 'accept-encoding': 'br' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/); // strong: no W/ prefix
    const again = await get('/sdk/dhkit.umd.js', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('no-cache');
  });

  it('each encoding has its own ETag (a strong ETag names exact bytes)', async () => {
    const tags = await Promise.all(['br', 'gzip', 'identity'].map((e) => get('/sdk/dhkit.umd.js', { 'accept-encoding': e })));
    expect(tags.map((r) => r.headers['content-encoding'])).toEqual(['br', 'gzip', undefined]);
    expect(new Set(tags.map((r) => r.headers.etag)).size).toBe(3);
    const gzipTag = String(tags[1]!.headers.etag);
    expect((await get('/sdk/dhkit.umd.js', { 'accept-encoding': 'br', 'if-none-match': gzipTag })).statusCode).toBe(200);
    expect((await get('/sdk/dhkit.umd.js', { 'accept-encoding': 'br;q=0, gzip', 'if-none-match': gzipTag })).statusCode).toBe(304);
  });

  it("a URL with this build's ?v= is cached for a year; another build's ?v= revalidates and still gets the file", async () => {
    const pinned = await get(`/sdk/dhkit.umd.js?v=${BUILD_ID}`, { 'accept-encoding': 'gzip' });
    expect(pinned.statusCode).toBe(200);
    expect(pinned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(pinned.headers.etag).toMatch(/^"[^"]+"$/);
    const stale = await get('/sdk/dhkit.umd.js?v=0000000000', { 'accept-encoding': 'gzip' });
    expect(stale.statusCode).toBe(200);
    expect(stale.headers['cache-control']).toBe('no-cache');
  });

  it('a file without a .br/.gz sibling gets the same policy (never max-age=0)', async () => {
    const model = await get('/sdk/voice/model.onnx', { 'accept-encoding': 'br, gzip' });
    expect(model.statusCode).toBe(200);
    expect(model.headers['content-encoding']).toBeUndefined();
    expect(model.headers['cache-control']).toBe('no-cache');
    expect(model.headers.etag).toMatch(/^"[^"]+"$/);
    expect(model.rawPayload.equals(Buffer.from([1, 2, 3, 4]))).toBe(true);
    const versioned = await get(`/sdk/voice/model.onnx?v=${BUILD_ID}`);
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/sdk/voice/model.onnx', { 'if-none-match': String(model.headers.etag) })).statusCode).toBe(304);
  });

  it('a rebuilt file gets a new ETag: the old one no longer answers 304', async () => {
    const file = path.join(sdkDir, 'voice', 'model.onnx');
    const before = String((await get('/sdk/voice/model.onnx')).headers.etag);
    fs.writeFileSync(file, Buffer.from([5, 6, 7, 8, 9]));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const after = await get('/sdk/voice/model.onnx', { 'if-none-match': before });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before);
    expect(after.rawPayload.length).toBe(5);
  });

  it('dotfiles, precompressed siblings by name and paths outside the build are not found', async () => {
    for (const url of ['/sdk/.secret', '/sdk/dhkit.umd.js.br', '/sdk/voice/../.secret', '/sdk/%2e%2e/package.json', '/sdk/voice/']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe('NOT_FOUND');
    }
  });

  it('static file requests and health probes are logged at debug, API requests at info', async () => {
    logLines.length = 0;
    await get('/sdk/dhkit.umd.js');
    await get('/healthz');
    await get('/metrics');
    await get('/v1/robots/demo/knowledge/999999');
    // Every line of a request (incoming, completed) carries its reqId; the URL is on the first.
    const levelsOf = (url: string) => {
      const ids = new Set(logLines.filter((line) => JSON.stringify(line).includes(url)).map((line) => line.reqId));
      return logLines.filter((line) => ids.has(line.reqId)).map((line) => line.level);
    };
    const sdkLevels = levelsOf('/sdk/dhkit.umd.js');
    expect(sdkLevels.length).toBeGreaterThanOrEqual(2);
    expect(sdkLevels.every((level) => level === 20)).toBe(true); // pino: 20 = debug, 30 = info
    expect(levelsOf('/healthz')).toEqual([20, 20]);
    expect(levelsOf('/metrics')).toEqual([20, 20]);
    // An API request: info, unauthenticated here, so its answer (401) is logged as a failed request would be.
    expect(levelsOf('/v1/robots/demo/knowledge/999999').length).toBeGreaterThanOrEqual(2);
    expect(levelsOf('/v1/robots/demo/knowledge/999999').every((level) => Number(level) >= 30)).toBe(true);
  });
});
