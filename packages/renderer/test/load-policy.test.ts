/**
 * What a renderer page may load, in real (sandboxed) Chromium: a page on an allowed dhkit origin that tries to
 * reach another host — fetch, image, WebSocket — reaches nothing; the allowed origin still answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { chromium } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../src/browser-launch.js';
import { guardContext, pageMayLoad, ServerOrigins } from '../src/load-policy.js';

const CHROMIUM = process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium';

interface CountingServer {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

async function countingServer(page: (foreign: string) => string, foreign = ''): Promise<CountingServer> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'text/html', 'access-control-allow-origin': '*' }).end(page(foreign));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', () => hits.push('websocket'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let launched: LaunchedBrowser;
let attacker: CountingServer;

beforeAll(async () => {
  launched = await launchChromium(chromium, { executablePath: CHROMIUM, args: ['--disable-gpu', '--no-first-run'] });
  attacker = await countingServer(() => 'stolen');
}, 30_000);

afterAll(async () => {
  await launched?.browser.close();
  launched?.cleanUp();
  await attacker?.close();
});

describe('renderer load policy', () => {
  it('knows the dhkit servers: configured origins, else loopback only', () => {
    const configured = new ServerOrigins(['https://talk.example.com/']);
    expect(configured.allows('https://talk.example.com/avatars/default/manifest.json')).toBe(true);
    expect(configured.allows('https://talk.example.com.attacker.example/x')).toBe(false);
    expect(configured.allows('http://talk.example.com/x')).toBe(false);
    const loopback = new ServerOrigins();
    expect(loopback.allows('http://127.0.0.1:8080/avatars/default/manifest.json')).toBe(true);
    expect(loopback.allows('http://10.0.0.8:8080/avatars/default/manifest.json')).toBe(false);
    expect(loopback.allows('http://user:pw@127.0.0.1:8080/x')).toBe(false);
    expect(() => new ServerOrigins(['wss://talk.example.com'])).toThrow(/http\(s\) origin/);
    const allowance = { rendererOrigin: 'http://127.0.0.1:8090', servers: configured, livekitOrigin: 'https://lk.example.com' };
    expect(pageMayLoad('wss://lk.example.com/rtc?x=1', allowance)).toBe(true);
    expect(pageMayLoad('ws://lk.example.com/rtc', allowance)).toBe(false);
    expect(pageMayLoad('file:///etc/passwd', allowance)).toBe(false);
  });

  it('aborts every load from another origin, fetch, image and WebSocket alike, in real Chromium', async () => {
    const probe = (foreign: string) =>
      `<!doctype html><img src="${foreign}/pixel.png"><script>
        window.results = Promise.all([
          fetch('${foreign}/fetched').then(() => 'loaded', () => 'blocked'),
          fetch('/same-origin').then((r) => r.text()),
          new Promise((resolve) => { const ws = new WebSocket('${foreign.replace('http', 'ws')}/socket');
            ws.onopen = () => resolve('open'); ws.onclose = () => resolve('closed'); }),
        ]);
      </script>`;
    const dhkit = await countingServer(probe, attacker.url);
    const page = await launched.browser.newPage({ serviceWorkers: 'block' });
    const blocked: string[] = [];
    try {
      await guardContext(
        page.context(),
        () => ({ rendererOrigin: 'http://127.0.0.1:1', servers: new ServerOrigins([dhkit.url]), livekitOrigin: null }),
        (url) => blocked.push(url),
      );
      await page.goto(`${dhkit.url}/page`);
      const [fetched, sameOrigin, socket] = await page.evaluate(() => (window as unknown as { results: Promise<string[]> }).results);
      expect(fetched).toBe('blocked');
      expect(sameOrigin).toContain('<img'); // the allowed origin still answers
      expect(socket).toBe('closed');
      expect(attacker.hits).toEqual([]);
      expect(blocked.sort()).toEqual([
        `${attacker.url}/fetched`,
        `${attacker.url}/pixel.png`,
        `${attacker.url.replace('http', 'ws')}/socket`,
      ]);
    } finally {
      await page.close();
      await dhkit.close();
    }
  });
});
