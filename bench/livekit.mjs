#!/usr/bin/env node
// `npm run bench:livekit`: media mode `livekit` on one machine, no GPU: our server, the reference renderer
// (`dhkit renderer`: headless Chromium drawing the default pack, publishing VP8 + Opus) and the LiveKit
// test double (test/livekit-server; or a real `livekit-server --dev` with LIVEKIT_URL/KEY/SECRET set) with a
// visitor page in Chromium. Over BENCH_RUNS sessions (default 8, after one warm-up), prints as JSON:
//   createToFirstFrameMs: create() → the first avatar video frame the page presents: admission reserving the
//     renderer slot (the renderer's warm page is in a spare room already, publishing; BENCH_SPARE_ROOMS=0: it joins
//     the session's room then; BENCH_WARM=0 for a page per session), the SDK's LiveKit chunk, joining the room,
//     the first keyframe. The visitor is one browser coming back (one profile on disk: its HTTP cache with V8's
//     code cache, its storage), so the SDK loads the chunk beside admission (BENCH_PRELOAD=0: after it, as on a
//     first visit);
//   firstFrameSteps: where that time goes, step by step (bench/lib/first-frame-steps.mjs), per step p50/p95, the
//     visitor's join step by step too (visitorJoinStepMs, from the test double's log; on /rtc/v1, or on the classic
//     path /rtc after /rtc/v1 is refused with BENCH_V1=0);
//   utteranceToFirstAudioMs: sendDrivenText() → the first audible sample of the streamed voice (espeak-ng);
//   captionOffsetMs: caption shown − its clause heard, per clause, with a speech engine whose clauses are
//     tones (so their onsets are exact); docs/benchmarks.md allows −45…+15 ms. The bench hears through an
//     AudioContext of its own, later than the visitor's <audio> element (listeningPathMs says by how much);
// BENCH_TRACE=file writes, per toned session, what the visitor's page did around each caption (bench/lib/caption-trace.mjs:
// the report's arrival, every reading of the receiver and how long it took, every short timer, the page's long tasks).
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBRTC_ARGS } from '../scripts/chromium.mjs';
import { startBenchServer } from './lib/in-process-server.mjs';
import { startRenderer } from '../packages/renderer/dist/reference-renderer.js';
import { ONSETS_WORKLET, toneSpeech } from '../scripts/voice-timing.mjs';
import { percentile, summary as summaryOf } from './lib/stats.mjs';
import { adminCall } from './lib/admin-api.mjs';
import { BENCH_ADMIN_KEY } from './lib/dhkit-process.mjs';
import { FirstFrameSteps } from './lib/first-frame-steps.mjs';
import { clauseTraces, installCaptionTrace, traceSummary } from './lib/caption-trace.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const WARM_PAGES = Number(process.env.BENCH_WARM ?? 1);
/** BENCH_SPARE_ROOMS=0: warm pages wait idle instead of joining a spare room ahead (the A of an A/B). */
const SPARE_ROOMS = process.env.BENCH_SPARE_ROOMS !== '0';
/**
 * BENCH_PRELOAD=0: every visitor page forgets that the robot was streamed before, so the SDK loads its LiveKit chunk
 * only once admission answers (the A of an A/B; by default the warm-up visit leaves the mark, as a returning visitor).
 */
const PRELOAD = process.env.BENCH_PRELOAD !== '0';
/**
 * BENCH_V1=0: the test double refuses LiveKit's single peer connection path /rtc/v1 as a LiveKit server older than
 * 1.9.2 does, and the visitor falls back to the classic path, two peer connections (the A of an A/B).
 */
const SINGLE_PEER_CONNECTION = process.env.BENCH_V1 !== '0';
/** Between sessions, as between two visitors: the renderer's warm page is ready again by then. */
const PAUSE_MS = 1500;

/** The share of values that pass, rounded to a thousandth. */
const share = (values, passes) => (values.length ? Math.round((values.filter(passes).length / values.length) * 1000) / 1000 : null);

/** Whole milliseconds: the figures come from media timestamps. */
const summary = (values) => summaryOf(values, 0);

const steps = new FirstFrameSteps();
const dataDirs = [mkdtempSync(join(tmpdir(), 'dhkit-bench-livekit-')), mkdtempSync(join(tmpdir(), 'dhkit-bench-livekit-tone-'))];
let livekit;
if (process.env.LIVEKIT_URL) {
  livekit = {
    url: process.env.LIVEKIT_URL,
    apiKey: process.env.LIVEKIT_API_KEY ?? 'devkey',
    apiSecret: process.env.LIVEKIT_API_SECRET ?? 'secret',
    close: async () => {},
  };
} else {
  // The test double is TypeScript; bundle it for plain node.
  const outfile = join('.tmp', 'livekit-test-server.mjs'); // inside the repository, so its imports resolve
  await build({
    entryPoints: ['test/livekit-server/index.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  const { startLiveKitTestServer } = await import(pathToFileURL(outfile).href);
  livekit = await startLiveKitTestServer({ log: steps.livekitLine, singlePeerConnection: SINGLE_PEER_CONNECTION });
}
const renderer = await startRenderer({
  log: process.env.BENCH_LOG ? (line) => console.error(`[renderer] ${line}`) : undefined,
  onSessionStarted: steps.rendererStarted,
  port: 0,
  capacity: 2,
  warmPages: WARM_PAGES,
  joinSpareRooms: SPARE_ROOMS,
  sdkDir: 'packages/sdk/dist',
  chromiumPath: CHROMIUM_PATH,
  chromiumArgs: CHROMIUM_ARGS,
});
const spoken = await startBenchServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: dataDirs[0],
  adminKey: BENCH_ADMIN_KEY,
  demo: true,
  logLevel: 'error',
});
const toned = await startBenchServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: dataDirs[1],
  adminKey: BENCH_ADMIN_KEY,
  demo: true,
  logLevel: 'error',
  tts: toneSpeech(),
});
const admin = (server, method, path, body) => adminCall(server.url, method, path, body);
for (const server of [spoken, toned]) {
  await admin(server, 'PATCH', '/v1/robots/demo', {
    media: {
      mode: 'livekit',
      livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
      renderer: { url: renderer.url },
    },
  });
}
const site = createServer((request, response) => {
  const sdkServer = new URL(request.url ?? '/', 'http://site').searchParams.get('server');
  response
    .writeHead(200, { 'content-type': 'text/html' })
    .end(
      `<!doctype html><html><body style="margin:0"><div id="dh" style="width:360px;height:540px"></div><script ` +
        `src="${sdkServer}/sdk/dhkit.umd.js"></script></body></html>`,
    );
});
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${site.address().port}`;
// One visitor coming back, as a kiosk's or a regular's browser: one profile on disk (its HTTP cache with V8's code
// cache, its storage). An incognito context (Playwright's newContext) keeps no code cache: every visit would compile
// the LiveKit chunk from scratch, as no returning visitor's browser does.
const visitorProfile = mkdtempSync(join(tmpdir(), 'dhkit-bench-visitor-'));
const visitorContext = await chromium.launchPersistentContext(visitorProfile, {
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS],
  headless: true,
});
const TRACE = process.env.BENCH_TRACE;
if (TRACE) await visitorContext.addInitScript(installCaptionTrace);
const traces = [];

/** In the visitor's page: create(), its first frame, and when each step towards it ended. */
async function createInPage({ serverUrl, onceCode }) {
  const epoch = (t) => performance.timeOrigin + t;
  const started = performance.now();
  // The first frame the page presents: watched for from the moment the video element exists (it plays before
  // create() resolves; a callback asked for after that would wait for the frame after the first).
  const firstFrameShown = new Promise((resolve) => {
    const watch = () => {
      const video = document.querySelector('#dh digital-human')?.shadowRoot?.querySelector('video');
      if (video) video.requestVideoFrameCallback(() => resolve(performance.now() - started));
      else requestAnimationFrame(watch);
    };
    watch();
  });
  const dh = await window.DHKit.create({
    serverAddress: serverUrl,
    robotId: 'demo',
    onceCode,
    containerId: 'dh',
    config: { enableCaption: true },
  });
  const created = performance.now();
  const firstFrame = await firstFrameShown;
  const resource = (path) =>
    performance.getEntriesByType('resource').find((entry) => new URL(entry.name).pathname === path && entry.startTime >= started);
  const steps = {
    startedAt: epoch(started),
    admittedAt: resource('/v1/sessions') ? epoch(resource('/v1/sessions').responseEnd) : 0,
    startup: dh.streamed?.startup ?? {},
    createdAt: epoch(created),
    firstFrameAt: epoch(started + firstFrame),
    // The LiveKit chunk's request: asked for, and its last byte in (then it compiles and runs until `connectingAt`).
    chunkRequestedAt: resource('/sdk/livekit.esm.js') ? epoch(resource('/sdk/livekit.esm.js').startTime) : 0,
    chunkLoadedAt: resource('/sdk/livekit.esm.js') ? epoch(resource('/sdk/livekit.esm.js').responseEnd) : 0,
  };
  window.__bench = { dh };
  return { firstFrame, steps, sessionId: dh.getJobInfo().sessionId };
}

/** In the visitor's page: one answer, heard (onsets), shown (captions) and how the receiver coped. */
async function answerInPage({ tones, detector }) {
  const { dh } = window.__bench;
  const root = document.querySelector('#dh digital-human').shadowRoot;
  const audio = root.querySelector('audio');
  while (!audio.srcObject) await new Promise((resolve) => setTimeout(resolve, 20));
  // The voice as the visitor hears it: an AudioWorklet reports where the sound starts, placed on the
  // page clock at the moment it is played out.
  const context = new AudioContext();
  await context.audioWorklet.addModule(URL.createObjectURL(new Blob([detector], { type: 'text/javascript' })));
  const node = new AudioWorkletNode(context, 'onsets');
  const onsets = [];
  node.port.onmessage = ({ data }) => {
    const stamp = context.getOutputTimestamp();
    if (data.type === 'on') onsets.push(stamp.performanceTime + (data.frame / context.sampleRate - stamp.contextTime) * 1000);
    if (data.type === 'on' && window.__trace)
      window.__trace.onsets = [
        ...(window.__trace.onsets ?? []),
        { t: onsets.at(-1), receivedAt: performance.now(), clock: stamp.performanceTime - stamp.contextTime * 1000 },
      ];
  };
  context.createMediaStreamSource(audio.srcObject).connect(node);
  await context.resume();
  const captions = [];
  const captionRoot = root.querySelector('dh-captions').shadowRoot;
  new MutationObserver(() => {
    const text = captionRoot.querySelector('[part="clause"]')?.textContent?.trim() ?? '';
    if (text && captions[captions.length - 1]?.text !== text) captions.push({ text, t: performance.now() });
  }).observe(captionRoot, { subtree: true, childList: true, characterData: true });
  let stopped = false;
  dh.on('speakingStop', () => (stopped = true));
  // The receiver's totals: its stalls (sound the jitter buffer had to invent, concealment, because packets came late),
  // and the `<audio>` element's own device delay (media-playout), which the bench's AudioContext does not share.
  const totals = async () => {
    const found = { inbound: false, events: 0, samples: 0, delay: 0, played: 0 };
    (await dh.streamed?.surface?.voice?.receiver?.getStats())?.forEach((stat) => {
      if (stat.type === 'inbound-rtp' && stat.kind === 'audio')
        Object.assign(found, {
          inbound: true,
          events: stat.concealmentEvents ?? 0,
          samples: stat.concealedSamples - stat.silentConcealedSamples,
        });
      if (stat.type === 'media-playout') Object.assign(found, { delay: stat.totalPlayoutDelay, played: stat.totalSamplesCount });
    });
    return found.inbound ? found : null;
  };
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = await totals();
  if (window.__trace) window.__trace.on = true;
  const said = performance.now();
  dh.sendDrivenText({ text: tones ? 'One. Two. Three. Four.' : 'Hello, welcome to the showroom.' });
  const deadline = performance.now() + 15_000;
  while (!stopped && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const timing = dh.streamed?.captionTiming ?? { track: 0, fallback: 0 };
  const startLeads = dh.streamed?.startLeadsMs ?? [];
  const after = await totals();
  const concealment = before && after ? { events: after.events - before.events, ms: (after.samples - before.samples) / 48 } : null;
  const played = before && after ? after.played - before.played : 0;
  const listening = {
    contextMs: (context.baseLatency + context.outputLatency) * 1000,
    elementMs: played > 0 ? ((after.delay - before.delay) / played) * 1000 : null,
  };
  await dh.destroy();
  await context.close();
  const firstAudio = onsets.length ? onsets[0] - said : NaN;
  const offsets = tones && onsets.length === captions.length ? captions.map((caption, i) => caption.t - onsets[i]) : [];
  return {
    firstAudio,
    offsets,
    clauses: captions.length,
    heard: onsets.length,
    timing,
    startLeads,
    concealment,
    listening,
    trace: window.__trace ? { ...window.__trace, captions, outputLatency: context.outputLatency, baseLatency: context.baseLatency } : null,
  };
}

/** One visitor: create(), first frame, one answer; with `tones`, caption offsets per clause. */
async function visit(server, tones) {
  const page = await visitorContext.newPage();
  try {
    await page.goto(`${siteUrl}/?server=${encodeURIComponent(server.url)}`);
    await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
    if (!PRELOAD) await page.evaluate(() => localStorage.clear());
    const { onceCode } = await admin(server, 'POST', '/v1/robots/demo/once-codes');
    const created = await page.evaluate(createInPage, { serverUrl: server.url, onceCode });
    return { ...created, ...(await page.evaluate(answerInPage, { tones, detector: ONSETS_WORKLET })) };
  } finally {
    await page.close();
    // Every run starts alike: the slot is back and the renderer's page is warm again.
    while (renderer.active.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
}

try {
  await visit(spoken, false); // warm-up: Chromium's first pages, codecs, the SDK chunk in the cache
  const frames = [];
  const audio = [];
  const offsets = [];
  const timedBy = { track: 0, fallback: 0 };
  let mismatched = 0;
  const sessions = [];
  const startLeads = [];
  const firstStartLeads = [];
  const stallMs = [];
  const listening = { contextMs: [], elementMs: [] };
  /** What every visit says about its speech reports and its receiver. */
  const reportsAndStalls = (run) => {
    startLeads.push(...run.startLeads);
    if (run.startLeads.length) firstStartLeads.push(run.startLeads[0]);
    if (run.concealment) stallMs.push(Math.round(run.concealment.ms));
    listening.contextMs.push(Math.round(run.listening.contextMs));
    if (run.listening.elementMs !== null) listening.elementMs.push(Math.round(run.listening.elementMs));
  };
  // One robot (one avatar pack) at a time, as on a real renderer: its warm page has that pack drawn.
  for (let i = 0; i < RUNS; i++) {
    const run = await visit(spoken, false);
    frames.push(run.firstFrame);
    steps.add(run.sessionId, run.steps);
    if (Number.isFinite(run.firstAudio)) audio.push(run.firstAudio);
    reportsAndStalls(run);
    if (process.env.BENCH_LOG) console.error(JSON.stringify({ frame: Math.round(run.firstFrame), audio: Math.round(run.firstAudio) }));
  }
  await visit(toned, true); // the warm page draws this server's pack from now on
  for (let i = 0; i < RUNS; i++) {
    const run = await visit(toned, true);
    if (run.offsets.length) offsets.push(...run.offsets);
    else mismatched++;
    timedBy.track += run.timing.track;
    timedBy.fallback += run.timing.fallback;
    reportsAndStalls(run);
    const worst = run.offsets.reduce((far, offset) => (Math.abs(offset) > Math.abs(far) ? offset : far), 0);
    sessions.push({
      medianMs: run.offsets.length ? percentile(run.offsets, 50, 0) : null,
      worstMs: Math.round(worst),
      heard: run.heard,
      clauses: run.clauses,
      firstStartLeadMs: run.startLeads[0] ?? null,
      concealedMs: run.concealment ? Math.round(run.concealment.ms) : null,
    });
    if (process.env.BENCH_LOG) console.error(JSON.stringify({ offsets: run.offsets.map(Math.round) }));
    if (run.trace)
      traces.push({
        offsets: run.offsets.map(Math.round),
        concealment: run.concealment,
        raw: run.trace,
        clauses: clauseTraces(run.trace, run.trace.captions, run.trace.onsets ?? []),
      });
  }
  console.log(
    JSON.stringify(
      {
        benchmark: 'livekit',
        livekit: process.env.LIVEKIT_URL
          ? `LiveKit at ${livekit.url}`
          : `LiveKit test double (test/livekit-server), ${SINGLE_PEER_CONNECTION ? '/rtc/v1 served' : '/rtc/v1 refused (older LiveKit)'}`,
        renderer: `reference renderer, ${WARM_PAGES} warm page(s)${SPARE_ROOMS ? ' joining spare rooms ahead' : ''}, no GPU`,
        createToFirstFrameMs: summary(frames),
        firstFrameSteps: steps.summary(),
        utteranceToFirstAudioMs: summary(audio),
        captionOffsetMs: {
          ...summary(offsets),
          clauses: offsets.length,
          runsWithoutAMatch: mismatched,
          target: { min: -45, max: 15 },
          withinTarget: share(offsets, (offset) => offset >= -45 && offset <= 15),
          beyond100: offsets.filter((offset) => Math.abs(offset) > 100).length,
          // Speech reports (starts and ends) that took effect on the voice track's own timeline, or by the fallback.
          reportsTimedBy: timedBy,
          perSession: sessions,
        },
        // How long before its sound each clause start's report reached the visitor (negative: after it), all runs;
        // the first clause of a turn starts from silence, where the renderer knows its moment latest.
        speechStartLeadMs: {
          all: summary(startLeads),
          firstClause: summary(firstStartLeads),
          late: startLeads.filter((lead) => lead < 0).length,
        },
        // Sound the visitor's jitter buffer had to make up during an answer (packets late: a receiver stall), per run.
        concealedMsPerRun: { ...summary(stallMs), runsWithAny: stallMs.filter((ms) => ms > 0).length },
        // The bench hears the voice through an AudioContext of its own (latency as it states it), the visitor through the
        // <audio> element (its device delay, media-playout stats): the difference is how much later the bench hears the
        // voice than the visitor does, so captions measure about that much earlier here than they are (docs/benchmarks.md).
        listeningPathMs: { benchContext: summary(listening.contextMs), audioElement: summary(listening.elementMs) },
        // BENCH_TRACE: the visitor page's waits for the receiver's readings, its timers' lateness, its long tasks.
        ...(TRACE ? { captionTrace: traceSummary(traces, summary) } : {}),
        environment: { node: process.version, chromium: execFileSync(CHROMIUM_PATH, ['--version']).toString().trim(), cpus: cpus().length },
      },
      null,
      2,
    ),
  );
} finally {
  if (TRACE) writeFileSync(TRACE, JSON.stringify(traces));
  await visitorContext.close();
  rmSync(visitorProfile, { recursive: true, force: true });
  await spoken.close();
  await toned.close();
  await renderer.close();
  await livekit.close();
  site.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
