#!/usr/bin/env node
// `npm run bench:avatar`: the in-browser avatar (default pack) in real Chromium (software rendering, no
// GPU), against a real server. Reports main-thread time per frame (performance.now() around the avatar's
// draw call, p50/p95/max in ms) and frames per second, idle and while speaking (espeak-ng speech), at
// phone size (360×540) and kiosk size (1080×1920). Target (docs/benchmarks.md): ≤ 2 ms per frame at 30 fps.
import { launchChromium } from '../scripts/chromium.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './lib/in-process-server.mjs';
import { percentile } from './lib/stats.mjs';
import { mintOnceCode } from './lib/admin-api.mjs';
import { BENCH_ADMIN_KEY } from './lib/dhkit-process.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SIZES = [
  { name: 'phone', width: 360, height: 540 },
  { name: 'kiosk', width: 1080, height: 1920 },
];
const SPEECH =
  'Welcome to our showroom. I can tell you about our products, opening hours and how to find us. ' +
  'Ask me anything you like, and I will do my best to answer clearly and quickly.';

const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-bench-avatar-'));
const server = await startBenchServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: BENCH_ADMIN_KEY, demo: true, logLevel: 'error' });
// The page lives on its own loopback origin, as a customer's site would.
const site = createServer((request, response) => {
  const [, w, h] = /\/(\d+)x(\d+)/.exec(request.url ?? '') ?? [undefined, 360, 540];
  response
    .writeHead(200, { 'content-type': 'text/html' })
    .end(
      `<!doctype html><html><body style="margin:0"><div id="dh" style="width:${w}px;height:${h}px"></div>` +
        `<script src="${server.url}/sdk/dhkit.umd.js"></script></body></html>`,
    );
});
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${site.address().port}`;
const browser = await launchChromium();

const onceCode = () => mintOnceCode(server.url);

/** Draw times and frame rate over `seconds` (frames counted by the avatar itself). */
async function measure(page, seconds) {
  const { drawMs, frames, elapsedMs } = await page.evaluate(async (seconds) => {
    const avatar = document.querySelector('#dh digital-human').avatar;
    const before = avatar.frameStats().frames;
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const after = avatar.frameStats();
    const frames = after.frames - before;
    return { drawMs: after.drawMs.slice(-frames), frames, elapsedMs: performance.now() - start };
  }, seconds);
  return {
    msPerFrame: { p50: percentile(drawMs, 50, 3), p95: percentile(drawMs, 95, 3), max: percentile(drawMs, 100, 3) },
    fps: +((frames * 1000) / elapsedMs).toFixed(1),
    frames,
  };
}

const results = {};
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    await page.goto(`${siteUrl}/${size.width}x${size.height}`);
    await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
    const code = await onceCode();
    const readyMs = await page.evaluate(
      async ({ url, code }) => {
        const start = performance.now();
        window.dh = await window.DHKit.create({ serverAddress: url, robotId: 'demo', onceCode: code, containerId: 'dh' });
        return performance.now() - start;
      },
      { url: server.url, code },
    );
    await page.waitForTimeout(1000); // the remaining visemes are rasterised in idle slices
    const idle = await measure(page, SECONDS);
    await page.evaluate((text) => {
      window.__spoke = new Promise((resolve) => window.dh.on('speakingStart', resolve));
      window.dh.sendDrivenText({ text });
    }, SPEECH);
    await page.evaluate(() => window.__spoke);
    const speaking = await measure(page, SECONDS);
    results[size.name] = { size: `${size.width}x${size.height}`, createToReadyMs: +readyMs.toFixed(1), idle, speaking };
    await page.evaluate(() => window.dh.destroy());
    await page.close();
  }
  console.log(
    JSON.stringify(
      { benchmark: 'avatar', chromium: browser.version(), gpu: false, seconds: SECONDS, targetMsPerFrame: 2, targetFps: 30, results },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  site.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
