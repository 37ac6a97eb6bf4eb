import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBRTC_ARGS } from '../playwright.config.js';
import { startServer, type RunningServer } from '../server/dist/index.js';
import { startRenderer, type RunningRenderer } from '../packages/renderer/dist/reference-renderer.js';
import { startLiveKitTestServer, type LiveKitTestServer } from '../test/livekit-server/index.js';

/**
 * The rig of the media mode `livekit` specs: our server admits a visitor, reserves a slot on the reference renderer
 * (headless Chromium drawing the local avatar) which publishes into the LiveKit test server's room; the
 * visitor's page (the SDK by script tag, on its own loopback origin) subscribes. `useLiveKitRig()` starts it
 * around a spec file and gives its parts; `openVisitor()` opens a recorded visitor page.
 */

export const ADMIN_KEY = 'e2e-livekit-admin-key-0123456789';
export const RENDERER_SECRET = 'e2e-renderer-secret-0123456789';
const DEBUG = !!process.env.LK_TEST_DEBUG;

export interface LiveKitRig {
  livekit: LiveKitTestServer;
  renderer: RunningRenderer;
  server: RunningServer;
  /** The customer's page; `?server=` loads the SDK from another dhkit server (the tone test's). */
  siteUrl: string;
  browser: Browser;
}

const rig = {} as LiveKitRig;
let site: Server | undefined;
let dataDir: string | undefined;

export async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(rig.server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

export interface LiveKitRigOptions {
  /**
   * More Chromium flags for the visitor's browser, asked for when the rig starts: after the spec's own `beforeAll`
   * hooks declared before `useLiveKitRig()` (the TURN spec's certificate key is known only once coturn runs).
   */
  browserArgs?: () => string[];
}

/** Starts the rig before the spec file's tests and stops it after them. */
export function useLiveKitRig(options: LiveKitRigOptions = {}): LiveKitRig {
  // Not serial: a failed test must not skip the ones after it (a fresh worker runs beforeAll again for them).
  test.describe.configure({ mode: 'default' });
  test.setTimeout(90_000);
  test.beforeAll(() => startRig(options));
  test.afterAll(stopRig);
  return rig;
}

async function startRig(options: LiveKitRigOptions): Promise<void> {
  rig.livekit = await startLiveKitTestServer({ log: DEBUG ? (line) => console.log(`[lk] ${line}`) : undefined });
  rig.renderer = await startRenderer({
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
  rig.server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: DEBUG ? 'debug' : 'warn',
  });
  const patched = await admin('PATCH', '/v1/robots/demo', {
    media: {
      mode: 'livekit',
      livekit: { url: rig.livekit.url, apiKey: rig.livekit.apiKey, apiSecret: rig.livekit.apiSecret },
      renderer: { url: rig.renderer.url, secret: RENDERER_SECRET },
    },
  });
  expect(patched.status).toBe(200);
  site = createServer((request, response) => {
    const sdkServer = new URL(request.url ?? '/', 'http://site').searchParams.get('server') ?? rig.server.url;
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html><head><meta charset="utf-8"><title>visitor</title><style>#dh{width:360px;height:540px}</style></head>
<body><div id="dh"></div><script src="${sdkServer}/sdk/dhkit.umd.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));
  rig.siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const args = [...CHROMIUM_ARGS, ...WEBRTC_ARGS, ...(options.browserArgs?.() ?? [])];
  rig.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
}

async function stopRig(): Promise<void> {
  await rig.browser?.close();
  await rig.server?.close();
  await rig.renderer?.close();
  await rig.livekit?.close();
  site?.closeAllConnections();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

export async function until(probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface VisitorOptions {
  /** The video to count frames of is the page's own keyed copy (`window.__keyedVideo`), not the element's. */
  keyed?: boolean;
  /** Runs on the new page before it loads (an init script: the TURN spec's relay-only firewall). */
  beforeLoad?: (page: Page) => Promise<unknown>;
}

/**
 * Opens the visitor page and creates the digital human; records events, the captions shown, decoded video
 * frames and the loudness of the avatar's voice (RMS over time, and the loudest sample) into `window.__lk`.
 */
export async function openVisitor(
  options: VisitorOptions = {},
): Promise<{ page: Page; sessionId: string; room: string; createMs: number }> {
  const page = await rig.browser.newPage();
  await options.beforeLoad?.(page);
  page.on('console', (message) => {
    // Expected noise: the refused /rtc/v1 attempt (404, the test server has none) and the dropped signal socket.
    const expected = /\/rtc\/v1|status of 404|WS closed unexpectedly/.test(message.text());
    if (DEBUG || (message.type() === 'error' && !expected)) console.log(`[visitor] ${message.type()}: ${message.text().slice(0, 300)}`);
  });
  await page.goto(`${rig.siteUrl}/`);
  await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
  const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
  // The room the admission names: the session's own, or a spare room the renderer had joined ahead.
  const admission = page
    .waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/v1/sessions'))
    .catch(() => null); // create() failing is what the caller sees; this must not fail on its own
  const { sessionId, createMs } = await page.evaluate(
    async ({ serverUrl, onceCode, keyed }) => {
      const w = window as any;
      const lk = (w.__lk = {
        events: [] as any[],
        captions: [] as string[],
        frames: 0,
        loudness: [] as Array<[number, number]>,
        loudest: 0,
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
        for (const s of samples) {
          sum += s * s;
          lk.loudest = Math.max(lk.loudest, Math.abs(s));
        }
        lk.loudness.push([performance.now(), Math.sqrt(sum / samples.length)]);
        const caption = root.querySelector('dh-captions')?.clause ?? '';
        if (caption && lk.captions[lk.captions.length - 1] !== caption) lk.captions.push(caption);
        setTimeout(sample, 20);
      };
      void context.resume();
      sample();
      return { sessionId: dh.getJobInfo().sessionId as string, createMs };
    },
    { serverUrl: rig.server.url, onceCode, keyed: !!options.keyed },
  );
  const room: string = (await (await admission)?.json())?.livekit?.room ?? '';
  return { page, sessionId, room, createMs };
}

export const lk = (page: Page) => page.evaluate(() => (window as any).__lk);

/** Loudest RMS of the avatar's voice between two page times. */
export function peak(loudness: Array<[number, number]>, from: number, to = Infinity): number {
  return loudness.filter(([t]) => t >= from && t <= to).reduce((max, [, rms]) => Math.max(max, rms), 0);
}
