import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The real server, built by `npm run build` (npm test builds first).
import { startServer } from '../server/dist/index.js';

export const ADMIN_KEY = 'e2e-admin-key-0123456789-padded-to-32-characters';

export interface TestServer {
  url: string;
  /** Calls the admin API with the admin key. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** A fresh once-code for a robot. */
  onceCode(robotId?: string): Promise<string>;
}

/** One real server (SQLite in a temp dir, demo robot seeded, espeak-ng speech) per test worker. */
export const test = base.extend<{ blankPage: Page }, { server: TestServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this destructuring.
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-e2e-'));
      const running = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'warn' });
      const admin = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(running.url + path, {
          method,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          // A server that stops answering fails the call by name, not the whole test as a bare timeout.
          signal: AbortSignal.timeout(15_000),
        });
        return { status: response.status, json: await response.json().catch(() => null) };
      };
      const onceCode = async (robotId = 'demo') => {
        const { status, json } = await admin('POST', `/v1/robots/${robotId}/once-codes`, {});
        expect(status).toBe(201);
        return json.onceCode as string;
      };
      await use({ url: running.url, admin, onceCode });
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  /**
   * An empty page that loads the SDK by script tag from the server, served from its own origin (like a
   * customer's site) with a strict CSP. Any CSP violation is collected in `window.__cspViolations`.
   */
  blankPage: async ({ page, server }, use) => {
    const site = await startSite(server.url);
    await page.goto(`${site.url}/blank`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
    await use(page);
    await site.close();
  },
});

/** A tiny static site on another loopback port: the customer's page that embeds the SDK. */
export async function startSite(serverUrl: string) {
  const wsUrl = serverUrl.replace(/^http/, 'ws');
  const csp =
    `default-src 'self'; script-src 'self' ${serverUrl}; style-src 'self'; img-src 'self' ${serverUrl} data:; ` +
    `media-src 'self' ${serverUrl} blob:; connect-src 'self' ${serverUrl} ${wsUrl}`;
  const files: Record<string, [string, string]> = {
    '/blank': [
      'text/html; charset=utf-8',
      `<!doctype html><html><head><meta charset="utf-8"><title>e2e</title><link rel="stylesheet" href="/page.css"></head>
<body><div id="dh"></div><div id="dh2"></div>
<script src="/page.js"></script><script src="${serverUrl}/sdk/dhkit.umd.js"></script></body></html>`,
    ],
    '/page.css': ['text/css', '#dh, #dh2 { width: 360px; height: 540px; }'],
    '/page.js': [
      'text/javascript',
      `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    ],
  };
  const site = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://x').pathname];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0], 'content-security-policy': csp }).end(file[1]);
  });
  return listenOnLoopback(site);
}

/** Starts an HTTP server on a free loopback port; `close` also drops the connections a browser keeps open. */
export async function listenOnLoopback(site: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        site.closeAllConnections();
        site.close(() => resolve());
      }),
  };
}

export { expect };

export const EVENT_NAMES = ['error', 'jobInfoChange', 'speakingStart', 'speakingStop', 'semanticRecognized', 'jobEnd'] as const;

/**
 * Creates an instance in the page and records every event with its time into `window.__events`.
 * Also samples the avatar's mouth while audio plays, into `window.__mouth` (max openness seen).
 */
export async function createRecorded(page: Page, serverUrl: string, onceCode: string, config: Record<string, unknown> = {}) {
  await page.evaluate(
    async ({ serverUrl, onceCode, config, eventNames }) => {
      const w = window as any;
      w.__events = [];
      w.__mouthMax = 0;
      const dh = await w.DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh', config });
      for (const name of eventNames) dh.on(name, (payload: any) => w.__events.push({ name, payload, t: performance.now() }));
      const element = document.querySelector('#dh digital-human') as any;
      const sample = () => {
        if (!w.dh) return;
        w.__mouthMax = Math.max(w.__mouthMax, element.mouthOpenness ?? 0);
        requestAnimationFrame(sample);
      };
      w.dh = dh;
      requestAnimationFrame(sample);
    },
    { serverUrl, onceCode, config, eventNames: EVENT_NAMES },
  );
}

export async function events(page: Page): Promise<Array<{ name: string; payload: any; t: number }>> {
  return page.evaluate(() => (window as any).__events);
}

/** Waits for an event (optionally of one chat) in `window.__events`. No eval: the page runs a strict CSP. */
export async function waitForEvent(page: Page, name: string, chatId?: string, timeout = 15_000) {
  await page.waitForFunction(
    ({ name, chatId }) =>
      (window as any).__events.some((e: any) => e.name === name && (chatId === undefined || e.payload?.chatId === chatId)),
    { name, chatId },
    { timeout },
  );
}
