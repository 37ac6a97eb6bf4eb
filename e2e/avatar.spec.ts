import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startServer } from '../server/dist/index.js';
import type { TextToSpeech } from '../server/dist/adapters/tts/tts.js';
import { createRecorded, expect, test, waitForEvent } from './fixtures.js';

/** Screenshots land here (ignored by git); a few chosen ones are copied to docs/images/ by hand. */
const SHOTS = join('.tmp', 'avatar-shots');
const VISEMES = ['sil', 'PP', 'FF', 'TH', 'DD', 'kk', 'CH', 'SS', 'nn', 'RR', 'aa', 'E', 'I', 'O', 'U'];
const manifest = JSON.parse(readFileSync(new URL('../server/assets/avatars/default/manifest.json', import.meta.url), 'utf8'));
const layer = (role: string) => manifest.layers.find((l: any) => l.role === role);

type Rect = [number, number, number, number];
/** A design-space box of the pack → canvas pixels (contain, bottom-aligned, as the renderer fits it). */
function toCanvas(box: Rect, width: number, height: number): Rect {
  const s = Math.min(width / manifest.size.width, height / manifest.size.height);
  const ox = (width - manifest.size.width * s) / 2;
  const oy = height - manifest.size.height * s;
  return [Math.floor(ox + box[0] * s), Math.floor(oy + box[1] * s), Math.ceil(box[2] * s), Math.ceil(box[3] * s)];
}

/** Holds a still picture, waits two frames and returns the RGBA pixels of `rect` (canvas pixels). */
async function still(page: Page, options: { viseme?: string; blink?: number; state?: string }, rect?: Rect): Promise<number[]> {
  return page.evaluate(
    async ({ options, rect }) => {
      const element = document.querySelector('#dh digital-human') as any;
      if (options.state) element.avatar.setState(options.state);
      element.avatar.preview({ still: true, viseme: options.viseme, blink: options.blink ?? 0 });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      element.avatar.preview({ still: true, viseme: options.viseme, blink: options.blink ?? 0 });
      const canvas = element.shadowRoot.querySelector('[part="avatar"] canvas') as HTMLCanvasElement;
      const background = element.shadowRoot.querySelector('[part="avatar"] canvas.background') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      if (background.width === canvas.width) {
        // Composite what the visitor sees: background under the figure.
        const both = document.createElement('canvas');
        both.width = canvas.width;
        both.height = canvas.height;
        const c = both.getContext('2d')!;
        c.drawImage(background, 0, 0);
        c.drawImage(canvas, 0, 0);
        const r = rect ?? [0, 0, canvas.width, canvas.height];
        return Array.from(c.getImageData(r[0], r[1], r[2], r[3]).data);
      }
      const r = rect ?? [0, 0, canvas.width, canvas.height];
      return Array.from(ctx.getImageData(r[0], r[1], r[2], r[3]).data);
    },
    { options, rect },
  );
}

/** Mean absolute difference per channel, 0..255. */
function diff(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.locator('#dh').screenshot({ path: join(SHOTS, `${name}.png`) });
}

test.describe('avatar', () => {
  test('draws the default pack: idle, every viseme, a blink, listening and thinking', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { enableChatBtn: false });
    // The other mouths and the blink frames load after ready: wait for the whole pack before holding them.
    await page.evaluate(() => (document.querySelector('#dh digital-human') as any).avatar.loaded);
    const size = await page.evaluate(() => {
      const canvas = document.querySelector('#dh digital-human')!.shadowRoot!.querySelector('canvas')!;
      return [canvas.width, canvas.height];
    });
    const mouthRect = toCanvas(layer('mouth').box, size[0], size[1]);
    const eyesRect = toCanvas(layer('eyelids').box, size[0], size[1]);

    const idle = await still(page, {});
    await shot(page, 'idle');
    // The pack really is drawn (not the fallback face): skin, hair and blazer colours where the pack has them.
    expect(idle.length).toBe(size[0] * size[1] * 4);

    const mouths = new Map<string, number[]>();
    for (const viseme of VISEMES) {
      mouths.set(viseme, await still(page, { viseme }, mouthRect));
      await shot(page, `viseme-${viseme}`);
    }
    // Every viseme is its own mouth shape: each pair differs in the mouth region.
    for (let i = 0; i < VISEMES.length; i++) {
      for (let j = i + 1; j < VISEMES.length; j++) {
        const d = diff(mouths.get(VISEMES[i])!, mouths.get(VISEMES[j])!);
        expect(d, `${VISEMES[i]} vs ${VISEMES[j]}`).toBeGreaterThan(1.5);
      }
    }
    expect(diff(mouths.get('sil')!, mouths.get('aa')!)).toBeGreaterThan(10);
    // Only the mouth changes between visemes: the eyes stay as they are.
    const eyesOpen = await still(page, { viseme: 'sil' }, eyesRect);
    expect(diff(eyesOpen, await still(page, { viseme: 'aa' }, eyesRect))).toBeLessThan(0.5);

    const eyesClosed = await still(page, { blink: 1 }, eyesRect);
    await shot(page, 'blink');
    expect(diff(eyesOpen, eyesClosed)).toBeGreaterThan(8);

    const listening = await still(page, { state: 'listening' });
    await shot(page, 'listening');
    const thinking = await still(page, { state: 'thinking' });
    await shot(page, 'thinking');
    expect(diff(idle, listening)).toBeGreaterThan(1);
    expect(diff(idle, thinking)).toBeGreaterThan(1);
    expect(diff(listening, thinking)).toBeGreaterThan(1);

    // Live again: the avatar blinks by itself within a few seconds.
    const blinked = await page.evaluate(async (rect) => {
      const element = document.querySelector('#dh digital-human') as any;
      element.avatar.setState('idle');
      element.avatar.preview(null);
      const canvas = element.shadowRoot.querySelector('canvas') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const first = ctx.getImageData(rect[0], rect[1], rect[2], rect[3]).data;
      const until = performance.now() + 8000;
      let maxDiff = 0;
      while (performance.now() < until && maxDiff < 20) {
        await new Promise((r) => requestAnimationFrame(r));
        const now = ctx.getImageData(rect[0], rect[1], rect[2], rect[3]).data;
        let sum = 0;
        for (let i = 0; i < now.length; i++) sum += Math.abs(now[i] - first[i]);
        maxDiff = Math.max(maxDiff, sum / now.length);
      }
      return maxDiff;
    }, eyesRect);
    expect(blinked).toBeGreaterThan(8);
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });

  test('is transparent with useDefaultBackground: false and draws the pack background otherwise', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { useDefaultBackground: false });
    // Corner pixel of the animated canvas and of the background canvas under it.
    const corner = () =>
      page.evaluate(() => {
        const root = document.querySelector('#dh digital-human')!.shadowRoot!;
        const pixel = (c: HTMLCanvasElement) => c.getContext('2d')!.getImageData(2, 2, 1, 1).data[3];
        return [pixel(root.querySelector('canvas:not(.background)')!), pixel(root.querySelector('canvas.background')!)];
      });
    expect(await corner()).toEqual([0, 0]);
    await page.evaluate(() => (window as any).dh.setConfig({ useDefaultBackground: true }));
    await page.waitForTimeout(100);
    expect(await corner()).toEqual([0, 255]);
    await shot(page, 'with-background');
  });

  test('fills a 1080×1920 kiosk screen sharply (canvas follows size and device pixel ratio)', async ({ blankPage: page, server }) => {
    await page.setViewportSize({ width: 1080, height: 1920 });
    await createRecorded(page, server.url, await server.onceCode(), { enableChatBtn: false });
    await page.evaluate(() => {
      const box = document.getElementById('dh')!;
      box.style.width = '1080px';
      box.style.height = '1920px';
    });
    await page.waitForFunction(() => document.querySelector('#dh digital-human')!.shadowRoot!.querySelector('canvas')!.height === 1920);
    await still(page, {}, [0, 0, 1, 1]);
    await shot(page, 'kiosk-1080x1920');
    expect(await page.evaluate(() => document.querySelector('#dh digital-human')!.shadowRoot!.querySelector('canvas')!.width)).toBe(1080);
  });

  test('serves packs with content types and refuses unknown avatars on robots', async ({ server }) => {
    const manifestResponse = await fetch(`${server.url}/avatars/default/manifest.json`);
    expect(manifestResponse.status).toBe(200);
    expect(manifestResponse.headers.get('content-type')).toContain('application/json');
    expect(manifestResponse.headers.get('access-control-allow-origin')).toBe('*');
    const svg = await fetch(`${server.url}/avatars/default/mouth/aa.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect((await fetch(`${server.url}/avatars/default/_source/make-pack.mjs`)).status).toBe(404);
    expect((await fetch(`${server.url}/avatars/default/..%2F..%2Fdemo%2Findex.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/avatars/nope/manifest.json`)).status).toBe(404);

    const refused = await server.admin('POST', '/v1/robots', { name: 'Ava', avatar: 'no-such-pack' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('INVALID_REQUEST');
    const created = await server.admin('POST', '/v1/robots', { name: 'Ava' });
    expect(created.status).toBe(201);
    expect(created.json.avatar).toBe('default');
    await server.admin('DELETE', `/v1/robots/${created.json.id}`);
  });
});

// ---- lip-sync against a known sound: a TTS that answers with an on/off tone ----

const TONE_RATE = 24_000;
/** 4 × (300 ms tone, 300 ms silence). */
const PATTERN = Array.from({ length: 4 }, (_, i) => ({ on: i * 0.6, off: i * 0.6 + 0.3 }));

function tonePcm(): Uint8Array {
  const seconds = PATTERN[PATTERN.length - 1].off + 0.3;
  const samples = new Int16Array(Math.round(seconds * TONE_RATE));
  for (let i = 0; i < samples.length; i++) {
    const t = i / TONE_RATE;
    const on = PATTERN.some((p) => t >= p.on && t < p.off);
    // A vowel-like buzz: 220 Hz with a few harmonics.
    const v = on
      ? 0.25 * Math.sin(2 * Math.PI * 220 * t) + 0.12 * Math.sin(2 * Math.PI * 660 * t) + 0.08 * Math.sin(2 * Math.PI * 1320 * t)
      : 0;
    samples[i] = Math.round(v * 32767);
  }
  return new Uint8Array(samples.buffer);
}

/**
 * A real server whose speech engine is `tts`, a page on its own loopback origin (a page faked with
 * page.route would be a "public" page to Chromium, which then blocks its socket to the loopback server)
 * with a recorded instance, and a trace of [time, mouthOpenness, viseme] per animation frame.
 */
async function withSpeechEngine(page: Page, tts: TextToSpeech, run: () => Promise<void>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-tone-'));
  let site: Server | undefined;
  const running = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: 'tone-admin-key-0123456789-padded-to-32-characters',
    demo: true,
    logLevel: process.env.TONE_LOG ?? 'warn',
    tts,
  });
  try {
    site = createServer((_request, response) =>
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!doctype html><div id="dh" style="width:360px;height:540px"></div><script src="${running.url}/sdk/dhkit.umd.js"></script>`),
    );
    await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
    const code = (
      await (
        await fetch(`${running.url}/v1/robots/demo/once-codes`, {
          method: 'POST',
          headers: { authorization: 'Bearer tone-admin-key-0123456789-padded-to-32-characters', 'content-type': 'application/json' },
          body: '{}',
        })
      ).json()
    ).onceCode;
    await createRecorded(page, running.url, code);
    // Lip-sync starts once the pack's layers have taken over from its pre-composited first frame (after ready).
    await page.evaluate(() => (document.querySelector('#dh digital-human') as any).avatar.loaded);
    await page.evaluate(() => {
      const w = window as any;
      const element = document.querySelector('#dh digital-human') as any;
      w.__trace = [];
      const sample = (t: number) => {
        w.__trace.push([t, element.mouthOpenness, element.viseme]);
        if (w.__trace.length < 2000) requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    });
    await run();
  } finally {
    site?.closeAllConnections();
    site?.close();
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Says `text` through the page's instance; returns the frame trace and when speaking started (page clock). */
async function speakAndTrace(page: Page, text: string) {
  await page.evaluate((text) => (window as any).dh.sendDrivenText({ text }), text);
  await waitForEvent(page, 'speakingStart');
  await waitForEvent(page, 'speakingStop');
  return page.evaluate(() => {
    const w = window as any;
    return {
      trace: w.__trace as Array<[number, number, string]>,
      start: w.__events.find((e: any) => e.name === 'speakingStart').t as number,
    };
  });
}

test('the mouth follows an on/off tone through the playback graph within a frame or two', async ({ page }) => {
  const pcm = tonePcm();
  const tts: TextToSpeech = {
    sampleRate: TONE_RATE,
    async *synthesize() {
      for (let i = 0; i < pcm.length; i += 4800) yield pcm.subarray(i, Math.min(pcm.length, i + 4800));
    },
    async close() {},
  };
  await withSpeechEngine(page, tts, async () => {
    const { trace, start } = await speakAndTrace(page, 'tone');
    const latencies: number[] = [];
    const at = (s: number) => trace.filter(([t]) => t >= start + s * 1000).slice(0, 1)[0];
    for (const { on, off } of PATTERN) {
      // Mid-tone: open, and a viseme rather than the resting mouth; mid-silence: closed.
      expect(at(on + 0.15)[1], `open during tone at ${on}s`).toBeGreaterThan(0.3);
      expect(at(on + 0.15)[2]).not.toBe('sil');
      expect(at(off + 0.2)[1], `closed during silence at ${off}s`).toBeLessThan(0.08);
      const opened = trace.find(([t, m]) => t >= start + (on - 0.05) * 1000 && m > 0.15);
      latencies.push(Math.round(opened![0] - (start + on * 1000)));
    }
    // speakingStart is itself a timer on the audio clock, so the first onset is checked loosely; the onsets
    // after it keep the tone's rhythm to within two frames at 30 fps (the mouth is driven by what plays).
    expect(latencies[0]).toBeLessThan(120);
    for (const latency of latencies) expect(Math.abs(latency - latencies[0]), `onsets ${latencies.join(', ')} ms`).toBeLessThanOrEqual(67);
    console.log(`[avatar] mouth opening latency after tone onsets, ms (rAF samples): ${latencies.join(', ')}`);
  });
});

test('a speech engine that provides viseme timings drives the mouth shapes instead of the audio analysis', async ({ page }) => {
  // A steady tone (analysis alone would hold one shape) with timings that change the shape every 300 ms.
  const seconds = 1.6;
  const pcm = new Uint8Array(Math.round(TONE_RATE * seconds) * 2);
  const view = new DataView(pcm.buffer);
  for (let i = 0; i < pcm.length / 2; i++) view.setInt16(i * 2, Math.round(Math.sin((2 * Math.PI * 220 * i) / TONE_RATE) * 12000), true);
  const CUES = [
    { t: 0, v: 'PP' },
    { t: 300, v: 'O' },
    { t: 600, v: 'FF' },
    { t: 900, v: 'aa' },
    { t: 1200, v: 'U' },
  ];
  const tts: TextToSpeech = {
    sampleRate: TONE_RATE,
    async *synthesize(_text, _voice, _signal, timings) {
      timings?.(CUES);
      for (let i = 0; i < pcm.length; i += 4800) yield pcm.subarray(i, Math.min(pcm.length, i + 4800));
    },
    async close() {},
  };
  await withSpeechEngine(page, tts, async () => {
    const { trace, start } = await speakAndTrace(page, 'timed');
    const shapeAt = (ms: number) => trace.find(([t]) => t >= start + ms)?.[2];
    // Mid-cue, the shape is the cue's, whatever the audio says.
    expect(CUES.map((cue) => shapeAt(cue.t + 150))).toEqual(CUES.map((cue) => cue.v));
  });
});
