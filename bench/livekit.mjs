#!/usr/bin/env node
// `npm run bench:livekit`: media mode `livekit` on one machine, no GPU: our server, the reference renderer
// (`dhkit renderer`: headless Chromium drawing the default pack, publishing VP8 + Opus) and the LiveKit
// test double (test/livekit-server; a real `livekit-server --dev` with LIVEKIT_URL/KEY/SECRET set) with a
// visitor page in Chromium. Reports, over BENCH_RUNS sessions (default 8, after one warm-up):
//   create() → first decoded avatar video frame (p50/p95), which includes reserving the renderer slot and
//     the renderer opening its page and joining the room;
//   sendDrivenText() → first audible sample of the streamed voice in the visitor's page (p50/p95).
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from '../scripts/chromium.mjs';
import { startServer } from '../server/dist/index.js';
import { startRenderer } from '../server/dist/renderer/reference-renderer.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const ADMIN_KEY = 'bench-admin-key-0123456789';
const WEBRTC_ARGS = ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
};

const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-bench-livekit-'));
let livekit;
if (process.env.LIVEKIT_URL) {
  livekit = { url: process.env.LIVEKIT_URL, apiKey: process.env.LIVEKIT_API_KEY ?? 'devkey', apiSecret: process.env.LIVEKIT_API_SECRET ?? 'secret', close: async () => {} };
} else {
  // The test double is TypeScript; bundle it for plain node.
  const outfile = join('.tmp', 'livekit-test-server.mjs'); // inside the repository, so its imports resolve
  await build({ entryPoints: ['test/livekit-server/index.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'error' });
  const { startLiveKitTestServer } = await import(pathToFileURL(outfile).href);
  livekit = await startLiveKitTestServer();
}
const renderer = await startRenderer({ port: 0, capacity: 2, sdkDir: 'packages/sdk/dist', chromiumPath: CHROMIUM_PATH, chromiumArgs: CHROMIUM_ARGS });
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'error' });
const admin = (method, path, body) =>
  fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  }).then((response) => response.json());
await admin('PATCH', '/v1/robots/demo', {
  media: { mode: 'livekit', livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret }, renderer: { url: renderer.url } },
});
const site = createServer((_request, response) =>
  response
    .writeHead(200, { 'content-type': 'text/html' })
    .end(`<!doctype html><html><body style="margin:0"><div id="dh" style="width:360px;height:540px"></div><script src="${server.url}/sdk/dhkit.umd.js"></script></body></html>`),
);
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${site.address().port}`;
const browser = await launchChromium(WEBRTC_ARGS);

async function run() {
  const page = await browser.newPage();
  await page.goto(siteUrl);
  await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
  const { onceCode } = await admin('POST', '/v1/robots/demo/once-codes');
  return page.evaluate(
    async ({ serverUrl, onceCode }) => {
      const started = performance.now();
      const dh = await window.DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh' });
      const root = document.querySelector('#dh digital-human').shadowRoot;
      const video = root.querySelector('video');
      const audio = root.querySelector('audio');
      const firstFrame = await new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now() - started)));
      while (!audio.srcObject) await new Promise((resolve) => setTimeout(resolve, 20));
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      context.createMediaStreamSource(audio.srcObject).connect(analyser);
      await context.resume();
      const samples = new Float32Array(analyser.fftSize);
      const spoken = performance.now();
      dh.sendDrivenText({ text: 'Hello, welcome to the showroom.' });
      const firstAudio = await new Promise((resolve) => {
        const poll = () => {
          analyser.getFloatTimeDomainData(samples);
          if (samples.some((s) => Math.abs(s) > 0.02)) return resolve(performance.now() - spoken);
          if (performance.now() - spoken > 15_000) return resolve(NaN);
          setTimeout(poll, 2);
        };
        poll();
      });
      await dh.destroy();
      await context.close();
      return { firstFrame, firstAudio };
    },
    { serverUrl: server.url, onceCode },
  ).finally(async () => {
    await page.close();
    // Wait until the renderer slot is back, so every run starts alike.
    while (renderer.active.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  });
}

await run(); // warm-up: Chromium's first page, codecs, the SDK chunk in the cache
const frames = [];
const audio = [];
for (let i = 0; i < RUNS; i++) {
  const { firstFrame, firstAudio } = await run();
  frames.push(firstFrame);
  audio.push(firstAudio);
}
console.log(`livekit media mode, ${RUNS} sessions (${process.env.LIVEKIT_URL ? 'LiveKit at ' + livekit.url : 'LiveKit test double'}, reference renderer, no GPU):`);
console.log(`  create() → first avatar video frame   p50 ${percentile(frames, 50)} ms   p95 ${percentile(frames, 95)} ms`);
console.log(`  utterance → first streamed audio      p50 ${percentile(audio, 50)} ms   p95 ${percentile(audio, 95)} ms`);

await browser.close();
await server.close();
await renderer.close();
await livekit.close();
site.close();
rmSync(dataDir, { recursive: true, force: true });
