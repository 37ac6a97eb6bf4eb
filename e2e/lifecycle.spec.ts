/**
 * Session lifecycle in real Chromium: a killed browser frees its slot within the heartbeat TTL, a kick
 * ends the visitor's session with jobEnd KICKED, a dropped connection resumes the same session, and an idle
 * session is announced (jobEndMention) before it ends (jobEnd IDLE_TIMEOUT).
 */
import { chromium, test, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';

const ADMIN_KEY = 'e2e-lifecycle-admin-key-padded-to-32-characters';
const LEASE_TTL_MS = 3000;

let server: Awaited<ReturnType<typeof startServer>>;
let dataDir: string;
let site: { url: string; close(): Promise<void> };

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dhkit-e2e-life-'));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: 'warn',
    leaseTtlMs: LEASE_TTL_MS,
  });
  site = await startSite();
});
test.afterAll(async () => {
  await site?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: response.status === 204 ? null : await response.json() };
}

async function onceCode(robotId: string): Promise<string> {
  return (await admin('POST', `/v1/robots/${robotId}/once-codes`, {})).json.onceCode;
}

/** Admission from the test itself: 201, or the refusal's code. */
async function tryAdmit(robotId: string): Promise<string | number> {
  const response = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ robotId, onceCode: await onceCode(robotId) }),
  });
  const json = await response.json();
  if (response.status === 201) {
    // Give the slot back at once so the next check starts clean.
    await fetch(`${server.url}/v1/sessions/${json.sessionId}/end`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ token: json.token }),
    });
    return 201;
  }
  return json.error.code;
}

/** A blank customer page; the SDK is loaded from `sdkFrom` (the server, or a proxy in front of it). */
async function startSite() {
  const http = createServer((request, response) => {
    const sdk = new URL(request.url ?? '/', 'http://x').searchParams.get('sdk') ?? '';
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><html><head><meta charset="utf-8"><title>lifecycle</title></head><body><div id="dh" ` +
          `style="width:320px;height:480px"></div><script src="${sdk}/sdk/dhkit.umd.js"></script></body></html>`,
      );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: () => closeServer(http) };
}

function closeServer(http: Server | net.Server): Promise<void> {
  return new Promise((resolve) => {
    (http as Server).closeAllConnections?.();
    http.close(() => resolve());
  });
}

/** Creates an instance and records its events in window.__events. */
async function createInPage(page: Page, serverAddress: string, robotId: string, code: string) {
  await page.goto(`${site.url}/?sdk=${encodeURIComponent(serverAddress)}`);
  await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
  await page.evaluate(
    async ({ serverAddress, robotId, code }) => {
      const w = window as any;
      w.__events = [];
      w.dh = await w.DHKit.create({ serverAddress, robotId, onceCode: code, containerId: 'dh' });
      for (const name of ['error', 'jobEnd', 'jobEndMention', 'semanticRecognized']) {
        w.dh.on(name, (payload: unknown) => w.__events.push({ name, payload }));
      }
    },
    { serverAddress, robotId, code },
  );
}

async function waitForEvent(page: Page, name: string, timeout = 15_000) {
  await page.waitForFunction((name) => (window as any).__events.some((e: any) => e.name === name), name, { timeout });
  return page.evaluate((name) => (window as any).__events.find((e: any) => e.name === name).payload, name);
}

/**
 * A TCP proxy in front of the server that stands in for the network: `drop()` resets every connection
 * (a network loss, no close frame); while `swallow` is on, what the browser sends is lost on the way.
 */
async function startNetworkProxy() {
  const sockets = new Set<net.Socket>();
  const state = { swallow: false };
  const proxy = net.createServer((client) => {
    const upstream = net.connect(server.port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (!state.swallow) upstream.write(chunk);
    });
    upstream.pipe(client);
    const cleanup = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cleanup).on('close', cleanup);
    upstream.on('error', cleanup).on('close', cleanup);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    state,
    drop() {
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await closeServer(proxy);
    },
  };
}

test('killing the browser (no goodbye) frees the slot within the heartbeat TTL', async ({ browserName }) => {
  test.skip(browserName !== 'chromium', 'kills a Chromium process');
  await admin('POST', '/v1/robots', { id: 'killed', name: 'Killed', concurrency: 1 });
  const browserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const browser = await chromium.connect(browserServer.wsEndpoint());
  const page = await browser.newPage();
  await createInPage(page, server.url, 'killed', await onceCode('killed'));
  expect(await tryAdmit('killed')).toBe('CONCURRENCY_LIMIT');
  browserServer.process().kill('SIGKILL');
  const killedAt = Date.now();
  let result: string | number = 'CONCURRENCY_LIMIT';
  while (result !== 201 && Date.now() - killedAt < LEASE_TTL_MS + 5000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    result = await tryAdmit('killed');
  }
  expect(result).toBe(201);
  // Within the TTL plus one sweep and the polling step.
  expect(Date.now() - killedAt).toBeLessThan(LEASE_TTL_MS + 1500);
  await browser.close().catch(() => {});
});

test("a kick ends the visitor's session with jobEnd KICKED and frees the slot at once", async ({ page }) => {
  await admin('POST', '/v1/robots', { id: 'kicked', name: 'Kicked', concurrency: 1 });
  await createInPage(page, server.url, 'kicked', await onceCode('kicked'));
  const sessionId = await page.evaluate(() => (window as any).dh.getJobInfo().sessionId);
  expect((await admin('GET', '/v1/robots/kicked/sessions')).json.sessions).toMatchObject([{ sessionId, connected: true }]);
  expect((await admin('DELETE', `/v1/sessions/${sessionId}`)).status).toBe(204);
  expect(await waitForEvent(page, 'jobEnd')).toEqual({ jobId: sessionId, reason: 'KICKED' });
  expect(await tryAdmit('kicked')).toBe(201);
});

test('a dropped connection resumes the same session without a new once-code', async ({ page }) => {
  const network = await startNetworkProxy();
  try {
    await admin('POST', '/v1/robots', { id: 'flaky', name: 'Flaky', concurrency: 1, languages: ['en_US'] });
    await createInPage(page, network.url, 'flaky', await onceCode('flaky'));
    const sessionId = await page.evaluate(() => (window as any).dh.getJobInfo().sessionId);
    network.drop();
    // The SDK reconnects by itself; a question then gets its answer on the same session.
    await expect
      .poll(
        async () =>
          page.evaluate(() => {
            try {
              (window as any).dh.sendTextQuestion({ text: 'hello' });
              return true;
            } catch {
              return false;
            }
          }),
        { timeout: LEASE_TTL_MS },
      )
      .toBe(true);
    await waitForEvent(page, 'semanticRecognized');
    const after = await page.evaluate(() => ({
      info: (window as any).dh.getJobInfo(),
      events: (window as any).__events.map((e: any) => e.name),
    }));
    expect(after.info).toMatchObject({ sessionId, state: 'CHATTING' });
    expect(after.events).not.toContain('jobEnd');
    expect((await admin('GET', '/v1/robots/flaky/sessions')).json.sessions).toMatchObject([{ sessionId, connected: true }]);
  } finally {
    await network.close();
  }
});

test('a question asked as the network drops is asked again after the resume and answered', async ({ page }) => {
  // The question is "sent" into a dying link: the proxy swallows it, then the link drops.
  const network = await startNetworkProxy();
  try {
    await admin('POST', '/v1/robots', { id: 'blip', name: 'Blip', concurrency: 1, languages: ['en_US'] });
    await createInPage(page, network.url, 'blip', await onceCode('blip'));
    network.state.swallow = true;
    const { chatId } = await page.evaluate(() => (window as any).dh.sendTextQuestion({ text: 'hello' }));
    await page.waitForTimeout(200);
    network.drop();
    network.state.swallow = false;
    await page.waitForFunction(
      (chatId) =>
        (window as any).__events.some((e: any) => e.name === 'semanticRecognized' && e.payload.chatId === chatId && e.payload.isLast),
      chatId,
      { timeout: LEASE_TTL_MS + 5_000 },
    );
    const names = await page.evaluate(() => (window as any).__events.map((e: any) => e.name));
    expect(names).not.toContain('jobEnd');
  } finally {
    await network.close();
  }
});

test('an idle session is announced with jobEndMention, then ends with jobEnd IDLE_TIMEOUT', async ({ page }) => {
  await admin('POST', '/v1/robots', { id: 'sleepy', name: 'Sleepy', concurrency: 1, idleTimeoutSeconds: 3 });
  await createInPage(page, server.url, 'sleepy', await onceCode('sleepy'));
  const sessionId = await page.evaluate(() => (window as any).dh.getJobInfo().sessionId);
  const mention = await waitForEvent(page, 'jobEndMention');
  expect(mention.jobId).toBe(sessionId);
  expect(mention.restTime).toBeGreaterThanOrEqual(1);
  expect(mention.restTime).toBeLessThanOrEqual(2);
  expect(await waitForEvent(page, 'jobEnd')).toEqual({ jobId: sessionId, reason: 'IDLE_TIMEOUT' });
});
