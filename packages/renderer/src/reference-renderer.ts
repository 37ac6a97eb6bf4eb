/**
 * `dhkit-renderer` (also `dhkit renderer`): the reference renderer (docs/renderer-protocol.md). One headless Chromium, one page per
 * session; each page runs the SDK's local avatar and publishes it into the session's LiveKit room
 * (packages/sdk/src/avatar/livekit-publisher.ts). Why a browser: one avatar implementation and one set of
 * packs for both media modes, and WebRTC, Opus/VP8 and livekit-client for free.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeAudioFrame } from '@dhkit/protocol';
import type { Browser, Page } from 'playwright-core';
import { matchesSecret } from './auth.js';
import { parseRendererSessionRequest, RENDERER_SESSION_ENDED_CLOSE, type RendererControlMessage, type RendererHealth, type RendererSessionRequest } from '@dhkit/protocol';
import { WarmPages, type PageWarmth } from './warm-pages.js';

export interface RendererOptions {
  port?: number;
  host?: string;
  /** Sessions at once (default 2). */
  capacity?: number;
  /** Required as `Authorization: Bearer` when set. */
  secret?: string;
  chromiumPath?: string;
  chromiumArgs?: string[];
  /** Directory of the SDK build holding livekit-publisher.esm.js. */
  sdkDir: string;
  /** A session whose audio socket is not open this long after start (or after it closed) ends (default 15 s). */
  leaseMs?: number;
  /**
   * Pages kept open and ready, with the last session's avatar pack drawn, so that a session only joins its
   * room (default 1; never more than the free slots; 0: every session opens its page).
   */
  warmPages?: number;
  log?: (line: string) => void;
}

export interface RunningRenderer {
  url: string;
  /** Sessions running now, by id. */
  readonly active: ReadonlySet<string>;
  close(): Promise<void>;
}

const DEFAULT_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  // WebRTC to a LiveKit server on this host (tests, `livekit-server --dev`): loopback candidates, real IPs.
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** The request's target as a URL, or null when it is not one (`//[`, say): answered 400, never thrown. */
function requestPath(request: http.IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://renderer');
  } catch {
    return null;
  }
}

/** A path segment, or '' for a malformed escape (which names no session). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

/** A session request is a few kilobytes (the tokens); anything far larger is refused unread. */
const MAX_BODY_BYTES = 64 * 1024;
/** Until a session or a warm page sets the video's size. */
const DEFAULT_VIEWPORT = 640;

const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>dhkit renderer</title><style>body{margin:0;background:#000}</style></head><body><script type="module">import "/publisher.js"; window.publisherLoaded = true;</script></body></html>';

class RendererSession {
  private socket: WebSocket | null = null;
  private leaseTimer: ReturnType<typeof setTimeout> | null = null;
  /** page.evaluate calls in order: audio must reach the page in the order it came. */
  private chain: Promise<unknown> = Promise.resolve();
  ended = false;

  constructor(
    readonly id: string,
    readonly page: Page,
    private readonly leaseMs: number,
    private readonly onLapse: () => void,
    private readonly log: (line: string) => void,
  ) {
    this.armLease();
  }

  attach(socket: WebSocket): void {
    this.socket?.close(1000, 'replaced');
    this.socket = socket;
    this.disarmLease();
    this.log(`session ${this.id}: audio socket open`);
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const frame = decodeAudioFrame(new Uint8Array(data));
        if (!frame) return;
        const { chatId, clauseId } = frame.header;
        const base64 = Buffer.from(frame.pcm).toString('base64');
        return this.call('audioChunk', [chatId, clauseId, frame.last, base64]);
      }
      let message: RendererControlMessage | null;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!message || typeof message !== 'object') return;
      if (message.type === 'speech') {
        const { chatId, clauseId, text, sampleRate } = message;
        if (typeof chatId !== 'string' || !Number.isInteger(clauseId) || typeof text !== 'string' || !Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 96_000) return;
        this.call('speech', [chatId, clauseId, text, sampleRate]);
      } else if (message.type === 'interrupt') {
        this.call('interrupt', []);
      }
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.armLease();
    });
  }

  private call(operation: 'speech' | 'audioChunk' | 'interrupt', args: (string | number | boolean)[]): void {
    this.chain = this.chain.then(() =>
      this.ended
        ? undefined
        : this.page
            .evaluate(([op, list]) => {
              const publisher = (globalThis as unknown as { dhkitPublisher: Record<string, (...a: unknown[]) => void> }).dhkitPublisher;
              publisher[op](...list);
            }, [operation, args] as const)
            .catch(() => undefined),
    );
  }

  private armLease(): void {
    this.disarmLease();
    this.leaseTimer = setTimeout(() => this.onLapse(), this.leaseMs);
  }

  private disarmLease(): void {
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimer = null;
  }

  async stop(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.disarmLease();
    this.socket?.close(RENDERER_SESSION_ENDED_CLOSE, 'session stopped');
    await this.page.evaluate(() => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.stop()).catch(() => undefined);
    await this.page.close().catch(() => undefined);
  }
}

/** What the page exposes (livekit-publisher.ts). */
interface PublisherApi {
  prepare(options: PageWarmth): Promise<void>;
  start(options: unknown): Promise<void>;
  speech(chatId: string, clauseId: number, text: string, sampleRate: number): void;
  audioChunk(chatId: string, clauseId: number, last: boolean, base64: string): void;
  interrupt(): void;
  stop(): Promise<void>;
}

export async function startRenderer(options: RendererOptions): Promise<RunningRenderer> {
  const capacity = options.capacity ?? 2;
  const warmPages = Math.max(0, options.warmPages ?? 1);
  const leaseMs = options.leaseMs ?? 15_000;
  const log = options.log ?? (() => {});
  const publisherJs = path.join(options.sdkDir, 'livekit-publisher.esm.js');
  if (!fs.existsSync(publisherJs)) throw new Error(`${publisherJs} is missing; run "npm run build" first.`);
  // playwright-core drives Chromium (a dependency of this package, never of the server).
  const { chromium } = await import('playwright-core').catch((error: unknown) => {
    throw new Error('dhkit-renderer could not load playwright-core (a dependency of @dhkit/renderer); reinstall the package.', { cause: error });
  });
  const browser: Browser = await chromium.launch({
    executablePath: options.chromiumPath ?? process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium',
    args: [...DEFAULT_ARGS, ...(options.chromiumArgs ?? [])],
    headless: true,
  });
  const sessions = new Map<string, RendererSession>();
  const starting = new Set<string>();
  const wss = new WebSocketServer({ noServer: true });
  let url = '';

  const authorized = (request: http.IncomingMessage) => !options.secret || matchesSecret(request.headers.authorization, options.secret);
  const json = (response: http.ServerResponse, status: number, body: unknown) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function stopSession(id: string): Promise<boolean> {
    const session = sessions.get(id);
    if (!session) return false;
    sessions.delete(id);
    warm.refill(); // the slot is free: the next session should find a warm page
    await session.stop();
    log(`session ${id} stopped`);
    return true;
  }

  /** Which session's page said something (warm pages have none yet). */
  const pageLabels = new WeakMap<Page, string>();

  /** A page with the publisher loaded: for a warm page, or for a session when none is warm. */
  async function openPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: DEFAULT_VIEWPORT, height: DEFAULT_VIEWPORT } });
    page.on('console', (message) => {
      if (message.type() === 'error') log(`[page ${pageLabels.get(page) ?? 'warm'}] ${message.text().slice(0, 300)}`);
    });
    try {
      await page.goto(`${url}/page.html`);
      await page.waitForFunction(() => (globalThis as unknown as { publisherLoaded?: boolean }).publisherLoaded === true);
      return page;
    } catch (error) {
      await page.close().catch(() => undefined);
      throw error;
    }
  }

  async function preparePage(page: Page, warmth: PageWarmth): Promise<void> {
    await page.setViewportSize({ width: warmth.width, height: warmth.height });
    await page.evaluate((options) => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.prepare(options), warmth);
  }

  const warm = new WarmPages({
    open: openPage,
    prepare: preparePage,
    wanted: () => Math.min(warmPages, capacity - sessions.size - starting.size),
    log,
  });

  async function startSession(request: RendererSessionRequest): Promise<void> {
    const started = Date.now();
    const warmth: PageWarmth = { manifestUrl: request.avatar.manifestUrl, width: request.video.width, height: request.video.height };
    const taken = await warm.take(warmth);
    const page = taken?.page ?? (await openPage());
    pageLabels.set(page, request.sessionId);
    try {
      await page.setViewportSize({ width: request.video.width, height: request.video.height });
      const session = new RendererSession(request.sessionId, page, leaseMs, () => {
        log(`session ${request.sessionId}: audio socket lease lapsed`);
        void stopSession(request.sessionId);
      }, log);
      sessions.set(request.sessionId, session);
      page.once('crash', () => {
        log(`session ${request.sessionId}: page crashed`);
        void stopSession(request.sessionId);
      });
      await page.evaluate(
        (start) => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.start(start),
        {
          livekitUrl: request.livekit.url,
          token: request.livekit.token,
          manifestUrl: request.avatar.manifestUrl,
          width: request.video.width,
          height: request.video.height,
          fps: request.video.fps,
          background: request.video.background,
        },
      );
      log(`session ${request.sessionId} publishing into ${request.livekit.room} after ${Date.now() - started} ms (${taken ? `warm ${taken.warm}` : 'cold page'})`);
    } catch (error) {
      sessions.delete(request.sessionId);
      await page.close().catch(() => undefined);
      throw error;
    }
  }

  const server = http.createServer((request, response) => {
    const route = requestPath(request);
    if (!route) return json(response, 400, { error: { code: 'INVALID_REQUEST', message: 'Malformed request target.' } });
    if (request.method === 'GET' && route.pathname === '/page.html') {
      return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    }
    if (request.method === 'GET' && route.pathname === '/publisher.js') {
      return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(publisherJs));
    }
    if (request.method === 'GET' && route.pathname !== '/health') return json(response, 404, { error: { code: 'NOT_FOUND', message: 'No such route.' } });
    if (!authorized(request)) return json(response, 401, { error: { code: 'UNAUTHORIZED', message: 'Bearer secret expected.' } });
    if (request.method === 'GET' && route.pathname === '/health') {
      const health: RendererHealth = { ok: browser.isConnected(), capacity, active: sessions.size + starting.size, warm: warm.size };
      return json(response, 200, health);
    }
    const match = /^\/sessions\/([^/]+)$/.exec(route.pathname);
    if (request.method === 'DELETE' && match) {
      void stopSession(decodedSegment(match[1])).then((known) => response.writeHead(known ? 204 : 404).end());
      return;
    }
    if (request.method === 'POST' && route.pathname === '/sessions') {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      request.on('end', () => {
        if (size > MAX_BODY_BYTES) return json(response, 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: `At most ${MAX_BODY_BYTES} bytes.` } });
        let parsed: RendererSessionRequest | string;
        try {
          parsed = parseRendererSessionRequest(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          parsed = 'JSON expected';
        }
        if (typeof parsed === 'string') return json(response, 400, { error: { code: 'INVALID_REQUEST', message: `Not a session request: ${parsed}.` } });
        const start = parsed;
        if (sessions.has(start.sessionId) || starting.has(start.sessionId)) return json(response, 409, { error: { code: 'INVALID_REQUEST', message: 'Session exists.' } });
        if (sessions.size + starting.size >= capacity) return json(response, 503, { error: { code: 'SERVER_BUSY', message: 'No free slot.' } });
        starting.add(start.sessionId);
        startSession(start).then(
          () => {
            starting.delete(start.sessionId);
            warm.refill();
            json(response, 201, { sessionId: start.sessionId });
          },
          (error: Error) => {
            starting.delete(start.sessionId);
            warm.refill();
            log(`session ${start.sessionId} failed: ${error.message}`);
            json(response, 502, { error: { code: 'INTERNAL_ERROR', message: 'The renderer could not start the stream.' } });
          },
        );
      });
      return;
    }
    json(response, 404, { error: { code: 'NOT_FOUND', message: 'No such route.' } });
  });

  server.on('upgrade', (request, socket, head) => {
    const match = /^\/sessions\/([^/]+)\/audio$/.exec(requestPath(request)?.pathname ?? '');
    const session = match ? sessions.get(decodedSegment(match[1])) : undefined;
    if (!authorized(request) || !session) {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return void socket.destroy();
    }
    wss.handleUpgrade(request, socket, head, (ws) => session.attach(ws));
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 8090, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  warm.refill();
  return {
    url,
    get active() {
      return new Set(sessions.keys());
    },
    async close() {
      await warm.close();
      await Promise.all([...sessions.keys()].map(stopSession));
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await browser.close();
    },
  };
}
