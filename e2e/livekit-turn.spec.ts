import { chromium, expect, test, type Browser } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';
import { startServer, type RunningServer } from '../server/dist/index.js';
import { startRenderer, type RunningRenderer } from '../packages/renderer/dist/reference-renderer.js';
import { startLiveKitTestServer, type LiveKitTestServer } from '../test/livekit-server/index.js';
import { startTurnServer, turnserverPath, type TurnServer } from './turn-server.js';

/**
 * Behind a firewall that lets nothing but TCP through: the visitor's Chromium may only use relayed candidates
 * (`iceTransportPolicy: 'relay'`), and reaches the LiveKit server through a real coturn over TCP — or over TLS
 * (`turns:`, what TURN on 443 is) — given as the robot's ICE server (docs/livekit.md, "Firewalls"). The
 * streamed avatar's video and voice must arrive that way. coturn's certificate is self-signed, made by the test;
 * the browser trusts exactly that key (`--ignore-certificate-errors-spki-list`), as it would a CA-issued one.
 */

const WEBRTC_ARGS = ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];
const ADMIN_KEY = 'e2e-livekit-turn-admin-key-0123456789';
const RENDERER_SECRET = 'e2e-renderer-secret-0123456789';
const TURNSERVER = turnserverPath();

let livekit: LiveKitTestServer;
let renderer: RunningRenderer;
let server: RunningServer;
let turn: TurnServer;
let site: Server;
let browser: Browser;
let dataDir: string;

test.describe.configure({ mode: 'serial' });
test.setTimeout(90_000);
test.skip(!TURNSERVER, 'coturn is not installed (no `turnserver` on PATH): apt-get install coturn');

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

test.beforeAll(async () => {
  turn = await startTurnServer(TURNSERVER!);
  livekit = await startLiveKitTestServer();
  renderer = await startRenderer({
    port: 0,
    capacity: 1,
    secret: RENDERER_SECRET,
    sdkDir: 'packages/sdk/dist',
    chromiumPath: CHROMIUM_PATH,
    chromiumArgs: CHROMIUM_ARGS,
    leaseMs: 5000,
  });
  dataDir = mkdtempSync(join(tmpdir(), 'dhkit-e2e-turn-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'warn' });
  const patched = await admin('PATCH', '/v1/robots/demo', {
    media: {
      mode: 'livekit',
      livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
      renderer: { url: renderer.url, secret: RENDERER_SECRET },
      iceServers: [turn.iceServer],
    },
  });
  expect(patched.status).toBe(200);
  site = createServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html><head><meta charset="utf-8"><title>visitor</title><style>#dh{width:360px;height:540px}</style></head>
<body><div id="dh"></div><script src="${server.url}/sdk/dhkit.umd.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS, `--ignore-certificate-errors-spki-list=${turn.spkiHash}`],
    headless: true,
  });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
  await renderer?.close();
  await livekit?.close();
  await turn?.close();
  site?.closeAllConnections();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

for (const transport of ['tcp', 'tls'] as const) {
  test(`relay only: video and voice reach the visitor through coturn over ${transport.toUpperCase()}`, async () => {
    await relayOnly(transport);
  });
}

async function relayOnly(transport: 'tcp' | 'tls'): Promise<void> {
  // The robot names one TURN server: coturn's TCP listener, or its TLS one.
  const media = (await admin('GET', '/v1/robots/demo')).json.media;
  const iceServer = transport === 'tls' ? turn.tlsIceServer : turn.iceServer;
  expect((await admin('PATCH', '/v1/robots/demo', { media: { ...media, iceServers: [iceServer] } })).status).toBe(200);
  const page = await browser.newPage();
  try {
    // The firewall: every peer connection of the page may use relayed candidates only.
    await page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const w = window as any;
      w.__pcs = [];
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super({ ...config, iceTransportPolicy: 'relay' });
          w.__pcs.push(this);
        }
      } as typeof RTCPeerConnection;
    });
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
    const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
    await page.evaluate(
      async ({ serverUrl, onceCode }) => {
        const w = window as any;
        const lk = (w.__lk = { frames: 0, loudest: 0 });
        w.dh = await w.DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh' });
        const root = (document.querySelector('#dh digital-human') as any).shadowRoot;
        const video = root.querySelector('video') as HTMLVideoElement;
        const onFrame = () => {
          lk.frames++;
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
        const audio = root.querySelector('audio') as HTMLAudioElement;
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        const samples = new Float32Array(analyser.fftSize);
        let wired: MediaStream | null = null;
        const sample = () => {
          const stream = audio.srcObject as MediaStream | null;
          if (stream && stream !== wired && stream.getAudioTracks().length) {
            context.createMediaStreamSource(stream).connect(analyser);
            wired = stream;
          }
          analyser.getFloatTimeDomainData(samples);
          for (const s of samples) lk.loudest = Math.max(lk.loudest, Math.abs(s));
          setTimeout(sample, 20);
        };
        void context.resume();
        sample();
      },
      { serverUrl: server.url, onceCode },
    );
    // The picture arrives.
    await page.waitForFunction(() => (window as any).__lk.frames > 10, null, { timeout: 30_000 });
    // The voice arrives: a driven answer is heard.
    const { chatId } = await page.evaluate(() => (window as any).dh.sendDrivenText({ text: 'Hello through the relay.' }));
    expect(chatId).toBeTruthy();
    await page.waitForFunction(() => (window as any).__lk.loudest > 0.05, null, { timeout: 30_000 });

    // Every connected peer connection went through coturn: its chosen pair's local candidate is relayed, over TCP or TLS.
    const pairs = await page.evaluate(async () => {
      const found: Array<{ type: string; relayProtocol?: string; bytesReceived: number }> = [];
      for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
        if (pc.connectionState !== 'connected') continue;
        const stats = [...(await pc.getStats()).values()];
        const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
        const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
        const local = stats.find((s) => s.id === pair?.localCandidateId);
        found.push({ type: local?.candidateType, relayProtocol: local?.relayProtocol, bytesReceived: pair?.bytesReceived ?? 0 });
      }
      return found;
    });
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) expect(pair).toMatchObject({ type: 'relay', relayProtocol: transport });
    expect(Math.max(...pairs.map((p) => p.bytesReceived))).toBeGreaterThan(10_000);
    // coturn's own account: it allocated relays for this visitor.
    expect(turn.log()).toMatch(/ALLOCATE.*success|allocation/i);
    await page.evaluate(() => (window as any).dh.destroy());
  } finally {
    await page.close();
    // The renderer's one slot is free again before the next visitor.
    const deadline = Date.now() + 15_000;
    while (renderer.active.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
