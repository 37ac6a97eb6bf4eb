#!/usr/bin/env node
// `npm run bench:brain`: our added latency over an LLM. A local OpenAI-compatible server streams an answer
// after a fixed first-token delay; a robot with an `openai` brain answers through it in real Chromium
// (real server, espeak-ng). Figure: from the moment the fake LLM writes its first token to the moment the
// first answer audio starts playing in the page (the SDK's speakingStart), on one clock: both sides use
// performance.timeOrigin + performance.now() (epoch ms), and the page's offset from this process is
// measured by round trips (the smallest one bounds the error). Target (docs/benchmarks.md): p50 ≤ 30 ms.
// The first token is a complete clause ("Sure! "), as LLM answers usually open; a first clause spread over
// several tokens adds the model's own inter-token time, which is not ours.
import { launchChromium } from '../scripts/chromium.mjs';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './lib/in-process-server.mjs';
import { summary } from './lib/stats.mjs';
import { BENCH_ADMIN_KEY } from './lib/dhkit-process.mjs';
import { serveVisitorSite } from './lib/visitor-site.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const FIRST_TOKEN_DELAY_MS = Number(process.env.BENCH_FIRST_TOKEN_MS ?? 300);
const TOKEN_GAP_MS = 30;
const TOKENS = ['Sure! ', 'Here is ', 'the answer ', 'you asked for. ', 'It has ', 'a few ', 'clauses.'];

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The fake LLM: records when it wrote each request's first token.
const firstTokenAt = [];
const llm = createServer(async (request, response) => {
  request.resume();
  await new Promise((resolve) => request.on('end', resolve));
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] })}\n\n`);
  await sleep(FIRST_TOKEN_DELAY_MS);
  for (const [i, token] of TOKENS.entries()) {
    if (response.destroyed) return;
    if (i > 0) await sleep(TOKEN_GAP_MS);
    response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: token }, finish_reason: null }] })}\n\n`);
    if (i === 0) firstTokenAt.push(now());
  }
  response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
  response.end('data: [DONE]\n\n');
});
await new Promise((resolve) => llm.listen(0, '127.0.0.1', resolve));

const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-bench-brain-'));
const server = await startBenchServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  adminKey: BENCH_ADMIN_KEY,
  demo: false,
  logLevel: process.env.BENCH_LOG ?? 'error',
});
const admin = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
const browser = await launchChromium();
let site;
try {
  const created = await fetch(`${server.url}/v1/robots`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({
      id: 'llm',
      name: 'LLM bench',
      concurrency: 4,
      languages: ['en_US'],
      allowedOrigins: ['*'],
      brain: { type: 'openai', baseUrl: `http://127.0.0.1:${llm.address().port}/v1`, model: 'bench', apiKey: 'sk-bench-0123456789' },
    }),
  });
  if (created.status !== 201) throw new Error(`robot not created: ${created.status} ${await created.text()}`);
  const onceCode = (await (await fetch(`${server.url}/v1/robots/llm/once-codes`, { method: 'POST', headers: admin, body: '{}' })).json())
    .onceCode;

  let siteUrl;
  ({ site, url: siteUrl } = await serveVisitorSite(server.url));
  const page = await browser.newPage();
  await page.goto(siteUrl);
  await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
  await page.evaluate(
    async ({ url, code }) => {
      window.dh = await window.DHKit.create({ serverAddress: url, robotId: 'llm', onceCode: code, containerId: 'dh' });
    },
    { url: server.url, code: onceCode },
  );

  // Offset of the page's clock from ours: the round trip with the smallest time bounds the error.
  let offset = 0;
  let bestRtt = Infinity;
  for (let i = 0; i < 30; i++) {
    const sent = now();
    const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
    const received = now();
    if (received - sent < bestRtt) {
      bestRtt = received - sent;
      offset = pageNow - (sent + received) / 2;
    }
  }

  const added = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const before = firstTokenAt.length;
    const speakingAt = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const dh = window.dh;
          const { chatId } = dh.sendTextQuestion({ text: 'Tell me something.' });
          const timer = setTimeout(() => reject(new Error('no audio')), 10_000);
          const onStart = (e) => {
            if (e.chatId !== chatId) return;
            const at = performance.timeOrigin + performance.now();
            dh.off('speakingStart', onStart);
            setTimeout(() => {
              dh.interruptSpeaking();
              clearTimeout(timer);
              setTimeout(() => resolve(at), 150);
            }, 100);
          };
          dh.on('speakingStart', onStart);
        }),
    );
    if (firstTokenAt.length !== before + 1) throw new Error('the fake LLM did not see exactly one request');
    if (i >= 2) added.push(speakingAt - offset - firstTokenAt[before]);
  }

  console.log(
    JSON.stringify(
      {
        benchmark: 'brain',
        firstTokenToFirstAudioMs: summary(added),
        target: { p50Ms: 30 },
        setup: { firstTokenDelayMs: FIRST_TOKEN_DELAY_MS, tokenGapMs: TOKEN_GAP_MS, firstToken: TOKENS[0] },
        clock: { pageOffsetMs: +offset.toFixed(2), offsetUncertaintyMs: +(bestRtt / 2).toFixed(2) },
        environment: { node: process.version, chromium: browser.version(), cpus: cpus().length },
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  site?.closeAllConnections();
  site?.close();
  llm.closeAllConnections();
  llm.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
