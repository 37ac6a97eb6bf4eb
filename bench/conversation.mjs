#!/usr/bin/env node
// `npm run bench`: in real Chromium against a real server (SQLite, demo knowledge base, espeak-ng), measures
//   create() → avatar idle and ready (warm page, and a first visit with cold caches), and
//   sendTextQuestion() → first answer audio playing (the SDK's speakingStart, fired when the first
//   AudioBufferSourceNode starts),
// over RUNS runs each, and the script-tag bundle's size on the wire (as served over HTTP, compressed), and prints
// the figures as JSON. Target (docs/benchmarks.md): ready p50 ≤ 300 ms,
// first audio p50 ≤ 80 ms.
import { launchChromium } from '../scripts/chromium.mjs';
import { get as httpGet } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startBenchServer } from './lib/in-process-server.mjs';
import { summary } from './lib/stats.mjs';
import { mintOnceCode } from './lib/admin-api.mjs';
import { BENCH_ADMIN_KEY } from './lib/dhkit-process.mjs';
import { serveVisitorSite } from './lib/visitor-site.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const QUESTIONS = ['hello', '你好', 'What can you do?', '你能做什么？', 'Where is the showroom?', '怎么嵌入到网站？'];

const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-bench-'));
const server = await startBenchServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  adminKey: BENCH_ADMIN_KEY,
  demo: true,
  // `BENCH_SDK_DIR`: serve another build of the SDK (a copy of main's packages/sdk/dist) to compare two builds back to back.
  ...(process.env.BENCH_SDK_DIR ? { sdkDir: process.env.BENCH_SDK_DIR } : {}),
  logLevel: process.env.BENCH_LOG ?? 'error',
});
// Let every bench session fit under the demo robot's quota.
const browser = await launchChromium();

/** A file as a browser gets it from the server: bytes on the wire with `Accept-Encoding: gzip, deflate, br`. */
function served(url) {
  return new Promise((resolve, reject) =>
    httpGet(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (response) => {
      let transferBytes = 0;
      response.on('data', (chunk) => (transferBytes += chunk.length));
      response.on('end', () =>
        resolve({
          transferBytes,
          contentEncoding: response.headers['content-encoding'] ?? 'identity',
          cacheControl: response.headers['cache-control'] ?? null,
        }),
      );
    }).on('error', reject),
  );
}

let site;
const onceCode = () => mintOnceCode(server.url);

try {
  // The visitor's page, served from its own origin like a customer's site.
  let siteUrl;
  ({ site, url: siteUrl } = await serveVisitorSite(server.url));
  const page = await browser.newPage();
  await page.goto(siteUrl);
  await page.waitForFunction(() => typeof window.DHKit?.create === 'function');

  const ready = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const code = await onceCode();
    const ms = await page.evaluate(
      async ({ url, code }) => {
        const start = performance.now();
        const dh = await window.DHKit.create({ serverAddress: url, robotId: 'demo', onceCode: code, containerId: 'dh' });
        const elapsed = performance.now() - start;
        dh.destroy();
        return elapsed;
      },
      { url: server.url, code },
    );
    if (i >= 2) ready.push(ms); // the first two warm up the page's caches and JIT
  }

  // A first visit: a fresh browser context each run, so the SDK, the avatar pack and every connection are cold.
  const readyCold = [];
  for (let i = 0; i < Math.min(RUNS, 10); i++) {
    const context = await browser.newContext();
    const coldPage = await context.newPage();
    await coldPage.goto(siteUrl);
    await coldPage.waitForFunction(() => typeof window.DHKit?.create === 'function');
    const code = await onceCode();
    readyCold.push(
      await coldPage.evaluate(
        async ({ url, code }) => {
          const start = performance.now();
          const dh = await window.DHKit.create({ serverAddress: url, robotId: 'demo', onceCode: code, containerId: 'dh' });
          const elapsed = performance.now() - start;
          await dh.destroy();
          return elapsed;
        },
        { url: server.url, code },
      ),
    );
    await context.close();
  }

  await page.evaluate(
    async ({ url, code }) => {
      window.dh = await window.DHKit.create({ serverAddress: url, robotId: 'demo', onceCode: code, containerId: 'dh' });
    },
    { url: server.url, code: await onceCode() },
  );
  const firstAudio = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const question = QUESTIONS[i % QUESTIONS.length];
    const ms = await page.evaluate(
      (text) =>
        new Promise((resolve, reject) => {
          const dh = window.dh;
          const start = performance.now();
          const { chatId } = dh.sendTextQuestion({ text });
          const timer = setTimeout(() => reject(new Error(`no audio for "${text}"`)), 10_000);
          const onStart = (e) => {
            if (e.chatId !== chatId) return;
            const elapsed = performance.now() - start;
            dh.off('speakingStart', onStart);
            // Let the answer play out a little, then cut it so the next run starts clean.
            setTimeout(() => {
              dh.interruptSpeaking();
              clearTimeout(timer);
              setTimeout(() => resolve(elapsed), 100);
            }, 200);
          };
          dh.on('speakingStart', onStart);
        }),
      question,
    );
    if (i >= 2) firstAudio.push(ms);
  }

  const umd = readFileSync(new URL('../packages/sdk/dist/dhkit.umd.js', import.meta.url));
  console.log(
    JSON.stringify(
      {
        benchmark: 'conversation',
        createToReadyMs: summary(ready),
        createToReadyColdCacheMs: summary(readyCold),
        questionToFirstAudioMs: summary(firstAudio),
        targets: { createToReadyP50Ms: 300, questionToFirstAudioP50Ms: 80 },
        bundle: { umdMinBytes: umd.length, umdMinGzipBytes: gzipSync(umd, { level: 9 }).length },
        bundleServed: await served(`${server.url}/sdk/dhkit.umd.js`),
        environment: { node: process.version, chromium: browser.version(), cpus: (await import('node:os')).cpus().length },
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  site?.closeAllConnections();
  site?.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
