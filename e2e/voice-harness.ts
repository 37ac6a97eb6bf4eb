/**
 * What the voice specs share: a real server with a robot that takes voice input (speech recognition by a
 * local OpenAI-compatible transcription server), a customer page on its own origin under a strict CSP,
 * speech WAVs made with espeak-ng, and Chromium launched with a fake microphone fed from such a WAV (the
 * fake-capture file is a launch flag, so each test that needs one launches its own browser).
 */
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { startTranscriptionServer, type TranscriptionServer } from '../server/test/fixtures/transcription-server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';

export const QUESTION = 'What are your opening hours?';

export interface VoiceHarness {
  dir: string;
  server: Awaited<ReturnType<typeof startServer>>;
  asr: TranscriptionServer;
  /** The customer's page: `<div id="dh">` and the SDK by script tag. */
  site: { url: string };
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** espeak-ng → mono 16-bit WAV at `rate` (48 kHz is what Chromium's fake capture reads), silence around it. */
  speechWav(
    name: string,
    text: string,
    silenceBefore: number,
    silenceAfter: number,
    options?: { rate?: number; voice?: string; wordsPerMinute?: number },
  ): string;
  /** Chromium with the standard flags; with `wav`, a fake microphone that plays it once. */
  launch(wav?: string): Promise<Browser>;
  /**
   * Opens the page, creates robot `voice` with `config` as `window.dh`, and records `events` into
   * `window.__events`; CSP complaints on the console go to `page.__violations`.
   */
  openPage(browser: Browser, events: readonly string[], config?: Record<string, unknown>): Promise<Page>;
  close(): Promise<void>;
}

export async function startVoiceHarness(adminKey: string): Promise<VoiceHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'dhkit-voice-'));
  const asr = await startTranscriptionServer(() => ({ status: 200, body: JSON.stringify({ text: QUESTION }) }));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: dir, adminKey, demo: false, logLevel: 'warn' });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, json: await response.json().catch(() => null) };
  };
  expect(
    (
      await admin('POST', '/v1/robots', {
        id: 'voice',
        name: 'Voice',
        concurrency: 5,
        languages: ['en_US'],
        asr: { type: 'openai', baseUrl: asr.baseUrl },
      })
    ).status,
  ).toBe(201);
  await admin('POST', '/v1/robots/voice/knowledge', {
    entries: [{ question: QUESTION, answer: 'We open at nine and close at six.', language: 'en_US' }],
  });
  // The VAD's WebAssembly needs 'wasm-unsafe-eval' (compiling wasm, not eval of JavaScript); its Worker, started
  // from another origin than the server's, needs 'worker-src blob:' (a one-line module that imports the server's file).
  const csp =
    `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' ${server.url}; worker-src blob:; style-src 'self'; ` +
    `img-src 'self' ${server.url} data:; media-src 'self' blob:; connect-src ` +
    `'self' ${server.url} ${server.url.replace('http', 'ws')}`;
  const page =
    `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="dh"></div><script ` +
    `src="${server.url}/sdk/dhkit.umd.js"></script></body></html>`;
  const http = createServer((request, response) => {
    if (request.url !== '/') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(page);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    dir,
    server,
    asr,
    site: { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` },
    admin,
    speechWav(name, text, silenceBefore, silenceAfter, options = {}) {
      const raw = join(dir, `${name}-raw.wav`);
      const out = join(dir, `${name}.wav`);
      const speed = options.wordsPerMinute ? ['-s', String(options.wordsPerMinute)] : [];
      execFileSync('espeak-ng', ['-v', options.voice ?? 'en-us', ...speed, '-w', raw, text]);
      execFileSync('sox', [
        raw,
        '-r',
        String(options.rate ?? 48000),
        '-c',
        '1',
        '-b',
        '16',
        out,
        'pad',
        String(silenceBefore),
        String(silenceAfter),
      ]);
      return out;
    },
    launch(wav) {
      const fake = wav
        ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${wav}%noloop`]
        : [];
      return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fake] });
    },
    async openPage(browser, events, config = {}) {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const { json } = await admin('POST', '/v1/robots/voice/once-codes', {});
      await page.evaluate(
        async ({ serverAddress, onceCode, config, events }) => {
          const w = window as any;
          w.__events = [];
          w.dh = await w.DHKit.create({ serverAddress, robotId: 'voice', onceCode, containerId: 'dh', config });
          for (const name of events) w.dh.on(name, (payload: unknown) => w.__events.push({ name, payload, t: performance.now() }));
        },
        { serverAddress: server.url, onceCode: json.onceCode, config, events },
      );
      (page as any).__violations = violations;
      return page;
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await server.close();
      await asr.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The events a page made with `openPage` recorded. */
export const eventsOf = (page: Page) => page.evaluate(() => (window as any).__events as Array<{ name: string; payload: any; t: number }>);
