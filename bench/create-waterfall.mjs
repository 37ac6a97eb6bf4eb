#!/usr/bin/env node
// Where a cold create() → ready spends its time: in a fresh browser context (cold HTTP cache, no connections), with
// the script-tag bundle already loaded, one create() per run; prints JSON with, per run, every network request the
// page made from create() on (start and end, ms after create() was called), when the channel was created, opened and
// first answered, how many pictures were decoded before ready (and the last when), the long tasks on the main thread,
// and when create() resolved. `BENCH_RUNS` (default 5); `BENCH_TRACE=1` adds the main thread's work by kind
// (lib/main-thread-profile.mjs). The figures `npm run bench` reports come from conversation.mjs.
import { launchChromium } from '../scripts/chromium.mjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './lib/in-process-server.mjs';
import { serveVisitorSite } from './lib/visitor-site.mjs';
import { MAIN_THREAD_CATEGORIES, mainThreadProfile } from './lib/main-thread-profile.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** `BENCH_TRACE=1`: also trace each run and report the main thread's time by kind from create() to ready. */
const TRACE = process.env.BENCH_TRACE === '1';
const ADMIN_KEY = 'bench-admin-key-0123456789-padded-to-32-characters';
const server = await startBenchServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: mkdtempSync(join(tmpdir(), 'dhkit-bench-')),
  adminKey: ADMIN_KEY,
  demo: true,
  // `BENCH_SDK_DIR`: serve another build of the SDK (a copy of main's packages/sdk/dist) to compare two builds back to back.
  ...(process.env.BENCH_SDK_DIR ? { sdkDir: process.env.BENCH_SDK_DIR } : {}),
  logLevel: 'error',
});
const browser = await launchChromium();
const { site, url: siteUrl } = await serveVisitorSite(server.url);
const onceCode = async () =>
  (
    await (
      await fetch(`${server.url}/v1/robots/demo/once-codes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()
  ).onceCode;

const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The channel's handshake and the pictures' decoding do not show in resource timing: note them from the page.
    await page.addInitScript(() => {
      const marks = (window.__createMarks = []);
      const NativeWebSocket = window.WebSocket;
      window.WebSocket = class extends NativeWebSocket {
        constructor(...args) {
          super(...args);
          marks.push({ what: 'channel created', at: performance.now() });
          this.addEventListener('open', () => marks.push({ what: 'channel open', at: performance.now() }));
          this.addEventListener('message', () => marks.push({ what: 'channel message', at: performance.now() }), { once: true });
        }
      };
      const decode = HTMLImageElement.prototype.decode;
      HTMLImageElement.prototype.decode = function () {
        return decode.call(this).then((value) => {
          marks.push({ what: `decoded ${this.src.replace(/^.*\/avatars\//, '')}`, at: performance.now() });
          return value;
        });
      };
    });
    await page.goto(siteUrl);
    await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
    const code = await onceCode();
    if (TRACE) await browser.startTracing(page, { categories: MAIN_THREAD_CATEGORIES });
    const run = await page.evaluate(
      async ({ url, code }) => {
        const longTasks = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e))).observe({ type: 'longtask' });
        performance.clearResourceTimings();
        const start = performance.mark('dhkit-create').startTime;
        const dh = await window.DHKit.create({ serverAddress: url, robotId: 'demo', onceCode: code, containerId: 'dh' });
        const readyMs = performance.mark('dhkit-ready').startTime - start;
        const at = (t) => Math.round((t - start) * 10) / 10;
        const requests = performance
          .getEntriesByType('resource')
          .map((e) => ({ url: e.name.replace(url, ''), start: at(e.startTime), end: at(e.responseEnd) }))
          .filter((e) => e.start >= 0 && e.start <= readyMs);
        await dh.destroy();
        const marks = window.__createMarks.filter((m) => m.at >= start).map((m) => ({ what: m.what, at: at(m.at) }));
        const decoded = marks.filter((m) => m.what.startsWith('decoded ') && m.at <= readyMs);
        return {
          readyMs: Math.round(readyMs * 10) / 10,
          channel: marks.filter((m) => m.what.startsWith('channel ')),
          picturesDecodedBeforeReady: { count: decoded.length, last: decoded.length ? Math.max(...decoded.map((m) => m.at)) : null },
          requests,
          longTasks: longTasks.map((e) => ({ start: at(e.startTime), ms: Math.round(e.duration) })).filter((e) => e.start >= 0),
        };
      },
      { url: server.url, code },
    );
    if (TRACE) run.mainThread = mainThreadProfile((await browser.stopTracing()).toString(), 'dhkit-create', 'dhkit-ready');
    runs.push(run);
    await context.close();
  }
  console.log(JSON.stringify({ benchmark: 'create-waterfall', runs }, null, 2));
} finally {
  await browser.close();
  site.close();
  await server.close();
}
