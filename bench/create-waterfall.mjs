#!/usr/bin/env node
// Where a cold create() → ready spends its time: in a fresh browser context (cold HTTP cache, no connections), with
// the script-tag bundle already loaded, one create() per run; prints JSON with, per run, every network request the
// page made from create() on (start and end, ms after create() was called), the long tasks on the main thread, and
// when create() resolved. `BENCH_RUNS` (default 5). The figures `npm run bench` reports come from conversation.mjs.
import { launchChromium } from '../scripts/chromium.mjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { serveVisitorSite } from './lib/visitor-site.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ADMIN_KEY = 'bench-admin-key-0123456789-padded-to-32-characters';
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: mkdtempSync(join(tmpdir(), 'dhkit-bench-')),
  adminKey: ADMIN_KEY,
  demo: true,
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
    await page.goto(siteUrl);
    await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
    const code = await onceCode();
    runs.push(
      await page.evaluate(
        async ({ url, code }) => {
          const longTasks = [];
          new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e))).observe({ type: 'longtask' });
          performance.clearResourceTimings();
          const start = performance.now();
          const dh = await window.DHKit.create({ serverAddress: url, robotId: 'demo', onceCode: code, containerId: 'dh' });
          const readyMs = performance.now() - start;
          const at = (t) => Math.round((t - start) * 10) / 10;
          const requests = performance
            .getEntriesByType('resource')
            .map((e) => ({ url: e.name.replace(url, ''), start: at(e.startTime), end: at(e.responseEnd) }))
            .filter((e) => e.start >= 0 && e.start <= readyMs);
          await dh.destroy();
          return {
            readyMs: Math.round(readyMs * 10) / 10,
            requests,
            longTasks: longTasks.map((e) => ({ start: at(e.startTime), ms: Math.round(e.duration) })).filter((e) => e.start >= 0),
          };
        },
        { url: server.url, code },
      ),
    );
    await context.close();
  }
  console.log(JSON.stringify({ benchmark: 'create-waterfall', runs }, null, 2));
} finally {
  await browser.close();
  site.close();
  await server.close();
}
