import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';
import { startServer, type RunningServer } from '../server/dist/index.js';
import type { TextToSpeech } from '../server/dist/adapters/tts/tts.js';
import { CLAUSE_MS, ONSETS_WORKLET, toneSpeech } from '../scripts/voice-timing.mjs';
import { startRenderer, type RunningRenderer } from '../packages/renderer/dist/reference-renderer.js';
import { startLiveKitTestServer, type LiveKitTestServer } from '../test/livekit-server/index.js';

/**
 * Media mode `livekit` end to end: our server admits a visitor, reserves a slot on the reference renderer
 * (headless Chromium drawing the local avatar) which publishes into the LiveKit test server's room; the
 * visitor's page (the SDK by script tag) subscribes. The picture decodes, the voice plays, captions follow
 * what is spoken, interrupt cuts it, every end frees the slot, and a dropped signal connection resumes.
 */

const WEBRTC_ARGS = ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];
const ADMIN_KEY = 'e2e-livekit-admin-key-0123456789';
const RENDERER_SECRET = 'e2e-renderer-secret-0123456789';
const DEBUG = !!process.env.LK_TEST_DEBUG;

let livekit: LiveKitTestServer;
let renderer: RunningRenderer;
let server: RunningServer;
let site: Server;
let siteUrl: string;
let browser: Browser;
let dataDir: string;

// Not serial: a failed test must not skip the ones after it (a fresh worker runs beforeAll again for them).
test.describe.configure({ mode: 'default' });
test.setTimeout(90_000);

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

test.beforeAll(async () => {
  livekit = await startLiveKitTestServer({ log: DEBUG ? (line) => console.log(`[lk] ${line}`) : undefined });
  renderer = await startRenderer({
    port: 0,
    capacity: 1,
    secret: RENDERER_SECRET,
    sdkDir: 'packages/sdk/dist',
    chromiumPath: CHROMIUM_PATH,
    chromiumArgs: CHROMIUM_ARGS,
    leaseMs: 5000,
    log: DEBUG ? (line) => console.log(`[renderer] ${line}`) : undefined,
  });
  dataDir = mkdtempSync(join(tmpdir(), 'dhkit-e2e-lk-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: DEBUG ? 'debug' : 'warn' });
  const patched = await admin('PATCH', '/v1/robots/demo', {
    media: {
      mode: 'livekit',
      livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
      renderer: { url: renderer.url, secret: RENDERER_SECRET },
    },
  });
  expect(patched.status).toBe(200);

  // The customer's page, on its own loopback origin, loading the SDK by script tag from our server.
  // `?server=` loads the SDK from another dhkit server (the tone test's).
  site = createServer((request, response) => {
    const sdkServer = new URL(request.url ?? '/', 'http://site').searchParams.get('server') ?? server.url;
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html><head><meta charset="utf-8"><title>visitor</title><style>#dh{width:360px;height:540px}</style></head>
<body><div id="dh"></div><script src="${sdkServer}/sdk/dhkit.umd.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS], headless: true });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
  await renderer?.close();
  await livekit?.close();
  site?.closeAllConnections();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function until(probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Opens the visitor page and creates the digital human; records events, the captions shown, decoded video
 * frames and the loudness of the avatar's voice into `window.__lk`.
 */
async function openVisitor(options: { keyed?: boolean } = {}): Promise<{ page: Page; sessionId: string; createMs: number }> {
  const page = await browser.newPage();
  page.on('console', (message) => {
    // Expected noise: the refused /rtc/v1 attempt (404, the test server has none) and the dropped signal socket.
    const expected = /\/rtc\/v1|status of 404|WS closed unexpectedly/.test(message.text());
    if (DEBUG || (message.type() === 'error' && !expected)) console.log(`[visitor] ${message.type()}: ${message.text().slice(0, 300)}`);
  });
  await page.goto(`${siteUrl}/`);
  await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
  const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
  const { sessionId, createMs } = await page.evaluate(
    async ({ serverUrl, onceCode, keyed }) => {
      const w = window as any;
      const lk = (w.__lk = {
        events: [] as any[],
        captions: [] as string[],
        frames: 0,
        loudness: [] as Array<[number, number]>,
        firstFrameMs: 0,
      });
      const started = performance.now();
      const dh = await w.DHKit.create({
        serverAddress: serverUrl,
        robotId: 'demo',
        onceCode,
        containerId: 'dh',
        config: { enableCaption: true },
      });
      const createMs = performance.now() - started;
      w.dh = dh;
      for (const name of ['speakingStart', 'speakingStop', 'semanticRecognized', 'jobEnd', 'error']) {
        dh.on(name, (payload: any) => lk.events.push({ name, payload, t: performance.now() }));
      }
      const root = (document.querySelector('#dh digital-human') as any).shadowRoot;
      const video = (keyed ? w.__keyedVideo : root.querySelector('video')) as HTMLVideoElement | undefined;
      const audio = root.querySelector('audio') as HTMLAudioElement;
      const onFrame = () => {
        lk.frames++;
        if (!lk.firstFrameMs) lk.firstFrameMs = performance.now() - started;
        video!.requestVideoFrameCallback(onFrame);
      };
      video?.requestVideoFrameCallback(onFrame);
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      let wired: MediaStream | null = null;
      const samples = new Float32Array(analyser.fftSize);
      const sample = () => {
        const stream = audio.srcObject as MediaStream | null;
        if (stream && stream !== wired && stream.getAudioTracks().length) {
          context.createMediaStreamSource(stream).connect(analyser);
          wired = stream;
        }
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        lk.loudness.push([performance.now(), Math.sqrt(sum / samples.length)]);
        const caption = root.querySelector('dh-captions')?.clause ?? '';
        if (caption && lk.captions[lk.captions.length - 1] !== caption) lk.captions.push(caption);
        setTimeout(sample, 20);
      };
      void context.resume();
      sample();
      return { sessionId: dh.getJobInfo().sessionId as string, createMs };
    },
    { serverUrl: server.url, onceCode, keyed: !!options.keyed },
  );
  return { page, sessionId, createMs };
}

const lk = (page: Page) => page.evaluate(() => (window as any).__lk);

/** Loudest RMS of the avatar's voice between two page times. */
function peak(loudness: Array<[number, number]>, from: number, to = Infinity): number {
  return loudness.filter(([t]) => t >= from && t <= to).reduce((max, [, rms]) => Math.max(max, rms), 0);
}

test('the streamed avatar shows, speaks an answer with captions in step, and stops on interrupt', async () => {
  const { page, sessionId, createMs } = await openVisitor();
  expect(await page.evaluate(() => (window as any).dh.getJobInfo().mediaMode)).toBe('livekit');
  expect(renderer.active.has(sessionId)).toBe(true);

  // The video decodes: frames keep coming, and they are the avatar, not a blank picture.
  await page.waitForFunction(() => (window as any).__lk.frames > 10);
  const picture = await page.evaluate(() => {
    const video = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('video') as HTMLVideoElement;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(video, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i] >> 4) * 256 + (data[i + 1] >> 4) * 16 + (data[i + 2] >> 4));
    return { width: video.videoWidth, height: video.videoHeight, colours: colours.size };
  });
  expect(picture.width).toBeGreaterThan(100);
  expect(picture.colours).toBeGreaterThan(20);

  // A driven answer: the voice comes out of the room, and each caption appears with its clause.
  const spokenAt = await page.evaluate(() => performance.now());
  const { chatId } = await page.evaluate(() =>
    (window as any).dh.sendDrivenText({ text: 'Hello from the renderer. This is the second sentence.' }),
  );
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === id),
    chatId,
    { timeout: 30_000 },
  );
  const answered = await lk(page);
  const start = answered.events.find((e: any) => e.name === 'speakingStart' && e.payload.chatId === chatId);
  const stop = answered.events.find((e: any) => e.name === 'speakingStop' && e.payload.chatId === chatId);
  expect(answered.captions).toEqual(['Hello from the renderer.', 'This is the second sentence.']);
  expect(peak(answered.loudness, start.t, stop.t)).toBeGreaterThan(0.01);
  // Silence before the renderer reported speech: captions do not run ahead of the voice.
  expect(peak(answered.loudness, spokenAt, start.t - 150)).toBeLessThan(0.01);
  const firstSound = answered.loudness.find(([t, rms]: [number, number]) => t >= spokenAt && rms > 0.01)?.[0] ?? NaN;
  console.log(
    `[livekit] create() → first video frame ${Math.round(answered.firstFrameMs)} ms (create() resolved after ${Math.round(createMs)} ms); ` +
      `utterance → speakingStart ${Math.round(start.t - spokenAt)} ms, → first audible sample ${Math.round(firstSound - spokenAt)} ms`,
  );

  // Interrupt: the voice stops within a moment.
  const { chatId: longChat } = await page.evaluate(() =>
    (window as any).dh.sendDrivenText({
      text: 'This sentence is long, and it goes on and on, so that there is plenty of time to cut it off in the middle of what it says. Nobody hears this one. Nor this.',
    }),
  );
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStart' && e.payload.chatId === id),
    longChat,
  );
  await page.waitForTimeout(400);
  const cutAt = await page.evaluate(() => {
    (window as any).dh.interruptSpeaking();
    return performance.now();
  });
  await page.waitForTimeout(1500);
  const cut = await lk(page);
  expect(cut.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === longChat)).toBe(true);
  expect(peak(cut.loudness, cutAt - 400, cutAt)).toBeGreaterThan(0.01);
  expect(peak(cut.loudness, cutAt + 700)).toBeLessThan(0.005);
  // The clauses the renderer had announced for later never show.
  expect(cut.captions.filter((caption: string) => /Nobody|Nor this/.test(caption))).toEqual([]);

  // Kicked by the admin: the renderer slot is free at once.
  expect((await admin('DELETE', `/v1/sessions/${sessionId}`)).status).toBe(204);
  await until(() => !renderer.active.has(sessionId));
  await page.close();
});

test('a dropped signal connection resumes, a full reconnect rejoins, and closing the page frees the renderer slot', async () => {
  const { page, sessionId } = await openVisitor();
  await page.waitForFunction(() => (window as any).__lk.frames > 5);
  const room = livekit.room(`dhkit-${sessionId}`)!;
  const visitor = [...room.participants.values()].find((p) => p.identity.startsWith('visitor-'))!;
  livekit.dropSignal(`dhkit-${sessionId}`, visitor.identity);
  await page.waitForTimeout(1000);
  const before = (await lk(page)).frames;
  await page.waitForFunction((n) => (window as any).__lk.frames > n + 10, before, { timeout: 20_000 });
  // Still speaking after the resume.
  const { chatId } = await page.evaluate(() => (window as any).dh.sendDrivenText({ text: 'Still here.' }));
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === id),
    chatId,
    { timeout: 30_000 },
  );
  expect((await lk(page)).captions).toContain('Still here.');

  // A full reconnect (the LiveKit server asks the client to join afresh): picture and voice come back.
  livekit.requestReconnect(`dhkit-${sessionId}`, visitor.identity);
  await page.waitForTimeout(1000);
  const beforeRejoin = (await lk(page)).frames;
  await page.waitForFunction((n) => (window as any).__lk.frames > n + 10, beforeRejoin, { timeout: 20_000 });
  const { chatId: again } = await page.evaluate(() => (window as any).dh.sendDrivenText({ text: 'Back again.' }));
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === id),
    again,
    { timeout: 30_000 },
  );
  const rejoined = await lk(page);
  expect(rejoined.captions).toContain('Back again.');
  const said = rejoined.events.find((e: any) => e.name === 'speakingStart' && e.payload.chatId === again);
  expect(peak(rejoined.loudness, said.t, said.t + 2000)).toBeGreaterThan(0.01);

  await page.close({ runBeforeUnload: true });
  await until(() => !renderer.active.has(sessionId));
});

test('a green-screen renderer is keyed out: the avatar floats over the page', async () => {
  const media = (await admin('GET', '/v1/robots/demo')).json.media;
  expect((await admin('PATCH', '/v1/robots/demo', { media: { ...media, chromaKey: true } })).status).toBe(200);
  try {
    const { page, sessionId } = await openVisitorKeyed();
    const alpha = await page.evaluate(async () => {
      const canvas = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector(
        'canvas[part="avatar-video"]',
      ) as HTMLCanvasElement;
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const context = copy.getContext('2d')!;
      context.drawImage(canvas, 0, 0);
      const data = context.getImageData(0, 0, copy.width, copy.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 200) opaque++;
      return { corner: data[3], opaqueShare: opaque / (data.length / 4), width: copy.width };
    });
    expect(alpha.width).toBeGreaterThan(100);
    expect(alpha.corner).toBe(0);
    expect(alpha.opaqueShare).toBeGreaterThan(0.05);
    expect(alpha.opaqueShare).toBeLessThan(0.9);
    await page.close({ runBeforeUnload: true });
    await until(() => !renderer.active.has(sessionId));
  } finally {
    await admin('PATCH', '/v1/robots/demo', { media: { ...media, chromaKey: false } });
  }

  async function openVisitorKeyed() {
    const opened = await openVisitor({ keyed: true });
    await opened.page.waitForFunction(() => {
      const canvas = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('canvas[part="avatar-video"]');
      return canvas && canvas.width > 0;
    });
    await opened.page.waitForTimeout(500);
    return opened;
  }
});

// ---- captions in step with the streamed voice, measured against a known sound ----

/** The median of some numbers. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The one timing-sensitive measurement here. Captions follow the voice track's own timeline (the receiver's playout
// position). It passed 3 of 3 at load ~6 but failed once at load ~10 (every clause +23..+43 ms, timed by the track):
// one retry until a quiet run of bench:livekit shows where the remaining lateness comes from; a second failure fails.
test.describe('captions against a known sound', () => {
  test.describe.configure({ retries: 1 });
  test('captions and speaking events are in step with the streamed voice (+15/-45 ms, the target in docs/benchmarks.md)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-e2e-lk-tone-'));
    const toned = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      adminKey: ADMIN_KEY,
      demo: true,
      logLevel: 'warn',
      tts: toneSpeech() as TextToSpeech,
    });
    const page = await browser.newPage();
    try {
      const patched = await fetch(`${toned.url}/v1/robots/demo`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          media: {
            mode: 'livekit',
            livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
            renderer: { url: renderer.url, secret: RENDERER_SECRET },
          },
        }),
      });
      expect(patched.status).toBe(200);
      const onceCode = (
        await (
          await fetch(`${toned.url}/v1/robots/demo/once-codes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
        ).json()
      ).onceCode;
      await page.goto(`${siteUrl}/?server=${encodeURIComponent(toned.url)}`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const measured = await page.evaluate(
        async ({ serverUrl, onceCode, clauses, detector }) => {
          const w = window as any;
          const dh = await w.DHKit.create({
            serverAddress: serverUrl,
            robotId: 'demo',
            onceCode,
            containerId: 'dh',
            config: { enableCaption: true },
          });
          const root = (document.querySelector('#dh digital-human') as any).shadowRoot as ShadowRoot;
          const audio = root.querySelector('audio') as HTMLAudioElement;
          while (!audio.srcObject) await new Promise((resolve) => setTimeout(resolve, 20));
          // When each tone becomes audible: an AudioWorklet on the streamed voice, its frames placed on the
          // page clock at the moment they are played out (getOutputTimestamp).
          const context = new AudioContext();
          await context.audioWorklet.addModule(URL.createObjectURL(new Blob([detector], { type: 'text/javascript' })));
          const node = new AudioWorkletNode(context, 'onsets');
          const sound: Array<{ type: string; t: number }> = [];
          node.port.onmessage = ({ data }) => {
            const stamp = context.getOutputTimestamp();
            sound.push({ type: data.type, t: stamp.performanceTime! + (data.frame / context.sampleRate - stamp.contextTime!) * 1000 });
          };
          context.createMediaStreamSource(audio.srcObject as MediaStream).connect(node);
          await context.resume();
          // When each caption appears: the caption element's own DOM change.
          const captions: Array<{ text: string; t: number }> = [];
          const captionRoot = (root.querySelector('dh-captions') as any).shadowRoot as ShadowRoot;
          new MutationObserver(() => {
            const text = captionRoot.querySelector('[part="clause"]')?.textContent?.trim() ?? '';
            if (text && captions[captions.length - 1]?.text !== text) captions.push({ text, t: performance.now() });
          }).observe(captionRoot, { subtree: true, childList: true, characterData: true });
          const events: Array<{ name: string; t: number }> = [];
          for (const name of ['speakingStart', 'speakingStop']) dh.on(name, () => events.push({ name, t: performance.now() }));
          await new Promise((resolve) => setTimeout(resolve, 1000)); // the receiver settles
          dh.sendDrivenText({ text: clauses.join(' ') });
          const deadline = performance.now() + 20_000;
          while (!events.some((e) => e.name === 'speakingStop') && performance.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 50));
          await new Promise((resolve) => setTimeout(resolve, 300));
          const playoutDelayMs = dh.streamed?.surface?.playoutDelayMs;
          const captionTiming = dh.streamed?.captionTiming as { track: number; fallback: number };
          await dh.destroy();
          await context.close();
          return { sound, captions, events, playoutDelayMs, captionTiming };
        },
        { serverUrl: toned.url, onceCode, clauses: ['One.', 'Two.', 'Three.', 'Four.', 'Five.', 'Six.'], detector: ONSETS_WORKLET },
      );
      const onsets = measured.sound.filter((s) => s.type === 'on').map((s) => s.t);
      expect(measured.captions.map((c) => c.text)).toEqual(['One.', 'Two.', 'Three.', 'Four.', 'Five.', 'Six.']);
      expect(onsets).toHaveLength(6);
      const offsets = measured.captions.map((caption, i) => Math.round(caption.t - onsets[i]));
      const start = measured.events.find((e) => e.name === 'speakingStart')!;
      const stop = measured.events.find((e) => e.name === 'speakingStop')!;
      const heardEnd = onsets[5] + CLAUSE_MS;
      console.log(
        `[livekit] caption − voice per clause, ms: ${offsets.join(', ')}; speakingStart − voice ${Math.round(start.t - onsets[0])} ms; ` +
          `speakingStop − end of voice ${Math.round(stop.t - heardEnd)} ms; playout delay estimate ${measured.playoutDelayMs} ms; ` +
          `reports timed by the track ${measured.captionTiming.track}, by the fallback ${measured.captionTiming.fallback}`,
      );
      // Every report (six starts, six ends) took effect on the voice track's own timeline, none by the fallback.
      expect(measured.captionTiming).toEqual({ track: 12, fallback: 0 });
      // The target (docs/benchmarks.md): captions within +15/−45 ms of their audio. The median must be inside; each clause may
      // stray by the measurement's own grain (a 10 ms margin: Opus smearing the onset, timer granularity), and
      // one clause in six may stray further (two browsers and a renderer share the test machine's two cores:
      // a late timer or a jitter buffer that jumps between two readings), but never grossly.
      expect(median(offsets)).toBeGreaterThanOrEqual(-45);
      expect(median(offsets)).toBeLessThanOrEqual(15);
      expect(offsets.filter((offset) => offset < -55 || offset > 25).length).toBeLessThanOrEqual(1);
      for (const offset of offsets) expect(Math.abs(offset)).toBeLessThan(150);
      expect(start.t - onsets[0]).toBeGreaterThanOrEqual(-55);
      expect(start.t - onsets[0]).toBeLessThanOrEqual(40);
      // speakingStop: when the last clause (tone and its silence) has been heard, plus a short grace.
      expect(stop.t - heardEnd).toBeGreaterThanOrEqual(-45);
      expect(stop.t - heardEnd).toBeLessThanOrEqual(150);
    } finally {
      await page.close();
      await toned.close();
      rmSync(dataDir, { recursive: true, force: true });
      await until(() => renderer.active.size === 0);
    }
  });
});

test('a visitor whose network blocks the stream gets NETWORK_ERROR from create(), and the slot is freed', async () => {
  for (const block of ['chunk', 'signal'] as const) {
    const page = await browser.newPage();
    try {
      // A proxy that refuses the LiveKit chunk, or a firewall that refuses the LiveKit server.
      if (block === 'chunk') await page.route(/\/sdk\/livekit\.esm\.js(\?|$)/, (route) => route.abort('blockedbyclient'));
      else await page.routeWebSocket(/\/rtc/, (socket) => socket.close({ code: 1008, reason: 'blocked' }));
      await page.goto(`${siteUrl}/`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
      const failed = await page.evaluate(
        async ({ serverUrl, onceCode }) => {
          try {
            await (window as any).DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh' });
            return null;
          } catch (error: any) {
            return { code: error.code, name: error.name };
          }
        },
        { serverUrl: server.url, onceCode },
      );
      expect(failed, block).toEqual({ code: 'NETWORK_ERROR', name: 'DHKitError' });
      await until(() => renderer.active.size === 0);
      expect((await admin('GET', '/v1/robots/demo/sessions')).json.sessions).toEqual([]);
    } finally {
      await page.close();
    }
  }
});

test('where the browser blocks sound until a gesture, the picture plays muted and a tap unmutes the voice', async () => {
  // The unmute button, or a tap anywhere on the digital human (typing a question starts with one).
  for (const tap of ['button', 'avatar'] as const) {
    const page = await browser.newPage();
    try {
      // The autoplay policy of Chrome and Safari on a page the visitor has not touched yet: sound may not
      // start (play() is refused, the autoplay attribute does nothing), muted video may. Headless Chromium
      // lets WebRTC audio through regardless, so the page applies the policy itself. (Playwright's evaluate
      // counts as user activation, so the page tracks real taps itself.)
      await page.addInitScript(() => {
        let tapped = false;
        window.addEventListener('pointerdown', (event) => (tapped ||= event.isTrusted), true);
        const nativePlay = HTMLMediaElement.prototype.play;
        const blocked = (element: HTMLMediaElement) => element instanceof HTMLAudioElement && !element.muted && !tapped;
        HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
          if (blocked(this))
            return Promise.reject(
              new DOMException("play() failed because the user didn't interact with the document first.", 'NotAllowedError'),
            );
          return nativePlay.call(this);
        };
        const autoplay = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'autoplay')!;
        Object.defineProperty(HTMLAudioElement.prototype, 'autoplay', { get: autoplay.get, set() {}, configurable: true });
      });
      await page.goto(`${siteUrl}/`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
      await page.evaluate(
        async ({ serverUrl, onceCode }) => {
          (window as any).dh = await (window as any).DHKit.create({
            serverAddress: serverUrl,
            robotId: 'demo',
            onceCode,
            containerId: 'dh',
          });
        },
        { serverUrl: server.url, onceCode },
      );
      const state = () =>
        page.evaluate(() => {
          const root = (document.querySelector('#dh digital-human') as any).shadowRoot as ShadowRoot;
          const video = root.querySelector('video') as HTMLVideoElement;
          const audio = root.querySelector('audio') as HTMLAudioElement;
          return {
            videoPlaying: !video.paused && video.currentTime > 0,
            audioPaused: audio.paused,
            hasVoice: !!audio.srcObject,
            button: !!root.querySelector('[part="unmute"]'),
          };
        });
      await page.waitForFunction(() => !!(document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('[part="unmute"]'));
      expect(await state(), tap).toMatchObject({ videoPlaying: true, audioPaused: true, hasVoice: true, button: true });

      if (tap === 'button') await page.locator('#dh digital-human [part="unmute"]').click();
      else await page.locator('#dh digital-human video').click({ position: { x: 60, y: 200 } });
      await page.waitForFunction(() => !(document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('[part="unmute"]'));
      expect(await state(), tap).toMatchObject({ audioPaused: false, button: false });
      // The voice is heard now (the tap also lets the page's own AudioContext run).
      const loudest = await page.evaluate(async () => {
        const w = window as any;
        const audio = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('audio') as HTMLAudioElement;
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        context.createMediaStreamSource(audio.srcObject as MediaStream).connect(analyser);
        await context.resume();
        w.dh.sendDrivenText({ text: 'Now you can hear me.' });
        const samples = new Float32Array(analyser.fftSize);
        let peak = 0;
        const until = performance.now() + 4000;
        while (performance.now() < until) {
          analyser.getFloatTimeDomainData(samples);
          for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await w.dh.destroy();
        return peak;
      });
      expect(loudest, tap).toBeGreaterThan(0.05);
    } finally {
      await page.close();
      await until(() => renderer.active.size === 0);
    }
  }
});

test("the robot's own ICE servers (TURN for strict firewalls) reach the visitor's peer connections", async () => {
  const media = (await admin('GET', '/v1/robots/demo')).json.media;
  const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'visitor', credential: 'turn-secret' };
  expect((await admin('PATCH', '/v1/robots/demo', { media: { ...media, iceServers: [turn] } })).status).toBe(200);
  const page = await browser.newPage();
  try {
    // Record every RTCPeerConnection's configuration.
    await page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      (window as any).__rtcConfigs = [];
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          (window as any).__rtcConfigs.push(JSON.parse(JSON.stringify(config ?? {})));
          super(config);
        }
      } as typeof RTCPeerConnection;
    });
    await page.goto(`${siteUrl}/`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
    const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
    const configs = await page.evaluate(
      async ({ serverUrl, onceCode }) => {
        const dh = await (window as any).DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh' });
        await dh.destroy();
        return (window as any).__rtcConfigs as RTCConfiguration[];
      },
      { serverUrl: server.url, onceCode },
    );
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs) expect(config.iceServers).toContainEqual(turn);
  } finally {
    await page.close();
    await admin('PATCH', '/v1/robots/demo', { media: { ...media, iceServers: [] } });
    await until(() => renderer.active.size === 0);
  }
});
