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
import { WebSocketServer } from 'ws';
import type { Browser, Page } from 'playwright-core';
import { matchesSecret } from './auth.js';
import { parseRendererSessionRequest, type RendererHealth, type RendererSessionAnswer, type RendererSessionRequest } from '@dhkit/protocol';
import { RendererSession, type PublisherApi } from './renderer-session.js';
import { WarmPages, type JoinSteps, type PageWarmth, type WarmRoom } from './warm-pages.js';
import { launchChromium, type LaunchedBrowser } from './browser-launch.js';
import { withDisabledFeatures } from '../chromium-switches.js';
import { guardContext, httpOrigin, ServerOrigins } from './load-policy.js';
import type { RendererOptions, RunningRenderer } from './renderer-options.js';

export type { RendererOptions, RendererStartSteps, RunningRenderer } from './renderer-options.js';

const DEFAULT_ARGS = [
  '--disable-gpu',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  // WebRTC to a LiveKit server on this host (tests, `livekit-server --dev`): loopback candidates (real IPs: ../chromium-switches.js).
  '--allow-loopback-in-peer-connection',
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
/** How long a new session's visitor may take to see the stream before the next warm page opens anyway. */
const REFILL_WAIT_MS = 5000;
/** Until a session or a warm page sets the video's size. */
const DEFAULT_VIEWPORT = 640;

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>dhkit renderer</title><style>body{margin:0;background:#000}</style></head>' +
  '<body><script type="module">import "/publisher.js"; window.publisherLoaded = true;</script></body></html>';

type Json = (response: http.ServerResponse, status: number, body: unknown) => void;
const json: Json = (response, status, body) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const refuse = (response: http.ServerResponse, status: number, code: string, message: string) =>
  json(response, status, { error: { code, message } });

export async function startRenderer(options: RendererOptions): Promise<RunningRenderer> {
  const publisherJs = path.join(options.sdkDir, 'livekit-publisher.esm.js');
  if (!fs.existsSync(publisherJs)) throw new Error(`${publisherJs} is missing; run "npm run build" first.`);
  // playwright-core drives Chromium (a dependency of this package, never of the server).
  const { chromium } = await import('playwright-core').catch((error: unknown) => {
    throw new Error('dhkit-renderer could not load playwright-core (a dependency of @dhkit/renderer); reinstall the package.', {
      cause: error,
    });
  });
  const servers = new ServerOrigins(options.serverOrigins);
  const launched = await launchChromium(chromium, {
    executablePath: options.chromiumPath ?? process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium',
    args: withDisabledFeatures([...DEFAULT_ARGS, ...(options.chromiumArgs ?? [])]),
    noSandbox: options.noSandbox,
    browserUser: options.browserUser,
  });
  options.log?.(`Chromium runs ${launched.description}; packs load from ${servers.describe()}`);
  const renderer = new ReferenceRenderer(options, launched, servers, publisherJs);
  return renderer.listen();
}

/** The renderer's state (browser, sessions, warm pages) and its HTTP and WebSocket endpoints. */
class ReferenceRenderer {
  private readonly capacity: number;
  private readonly leaseMs: number;
  private readonly log: (line: string) => void;
  private readonly sessions = new Map<string, RendererSession>();
  private readonly starting = new Set<string>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly server = http.createServer((request, response) => this.handleRequest(request, response));
  /** Which session's page said something (warm pages have none yet). */
  private readonly pageLabels = new WeakMap<Page, string>();
  private readonly warm: WarmPages;
  /** Spare rooms offered by session requests and not joined yet, newest last (at most one per warm page). */
  private spareRooms: WarmRoom[] = [];
  private readonly warmPages: number;
  /** The LiveKit origin of the session each page runs (none while warm). */
  private readonly pageLiveKit = new WeakMap<Page, string>();
  private readonly browser: Browser;
  private url = '';

  constructor(
    private readonly options: RendererOptions,
    private readonly launched: LaunchedBrowser,
    private readonly servers: ServerOrigins,
    private readonly publisherJs: string,
  ) {
    this.browser = launched.browser;
    this.capacity = options.capacity ?? 2;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.log = options.log ?? (() => {});
    const warmPages = Math.max(0, options.warmPages ?? 1);
    this.warmPages = warmPages;
    this.warm = new WarmPages({
      open: () => this.openPage(),
      prepare: (page, warmth) => this.preparePage(page, warmth),
      join: (page, room) => this.joinRoom(page, room),
      claimRoom: () => this.spareRooms.pop() ?? null,
      leave: (page) => page.evaluate(() => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.stop()),
      wanted: () => Math.min(warmPages, this.capacity - this.sessions.size - this.starting.size),
      log: this.log,
    });
    this.server.on('upgrade', (request, socket, head) => {
      const match = /^\/sessions\/([^/]+)\/audio$/.exec(requestPath(request)?.pathname ?? '');
      const session = match ? this.sessions.get(decodedSegment(match[1])) : undefined;
      if (!this.authorized(request) || !session) {
        socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return void socket.destroy();
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => session.attach(ws));
    });
  }

  async listen(): Promise<RunningRenderer> {
    const { server, sessions } = this;
    await new Promise<void>((resolve) => server.listen(this.options.port ?? 8090, this.options.host ?? '127.0.0.1', resolve));
    const address = server.address() as AddressInfo;
    this.url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    this.warm.refill();
    return {
      url: this.url,
      get active() {
        return new Set(sessions.keys());
      },
      close: () => this.close(),
    };
  }

  private async close(): Promise<void> {
    await this.warm.close();
    await Promise.all([...this.sessions.keys()].map((id) => this.stopSession(id)));
    for (const client of this.wss.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.browser.close();
    this.launched.cleanUp();
  }

  private authorized(request: http.IncomingMessage): boolean {
    return !this.options.secret || matchesSecret(request.headers.authorization, this.options.secret);
  }

  private async stopSession(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.warm.refill(); // the slot is free: the next session should find a warm page
    await session.stop();
    this.log(`session ${id} stopped`);
    return true;
  }

  /** A page with the publisher loaded: for a warm page, or for a session when none is warm. */
  private async openPage(): Promise<Page> {
    const page = await this.browser.newPage({ viewport: { width: DEFAULT_VIEWPORT, height: DEFAULT_VIEWPORT }, serviceWorkers: 'block' });
    const allowance = () => ({ rendererOrigin: this.url, servers: this.servers, livekitOrigin: this.pageLiveKit.get(page) ?? null });
    await guardContext(page.context(), allowance, (url) =>
      this.log(`[page ${this.pageLabels.get(page) ?? 'warm'}] blocked ${url.slice(0, 200)}`),
    );
    page.on('console', (message) => {
      if (message.type() === 'error') this.log(`[page ${this.pageLabels.get(page) ?? 'warm'}] ${message.text().slice(0, 300)}`);
    });
    try {
      await page.goto(`${this.url}/page.html`);
      await page.waitForFunction(() => (globalThis as unknown as { publisherLoaded?: boolean }).publisherLoaded === true);
      return page;
    } catch (error) {
      await page.close().catch(() => undefined);
      throw error;
    }
  }

  private async preparePage(page: Page, warmth: PageWarmth): Promise<void> {
    await page.setViewportSize({ width: warmth.width, height: warmth.height });
    await page.evaluate((options) => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.prepare(options), warmth);
  }

  /** Joins a page to a room and publishes there: a session's own room, or a spare one ahead of its session. */
  private joinRoom(page: Page, room: WarmRoom): Promise<JoinSteps> {
    const livekitOrigin = httpOrigin(room.livekitUrl);
    if (livekitOrigin) this.pageLiveKit.set(page, livekitOrigin);
    const { warmth, livekitUrl, token, fps, background } = room;
    return page.evaluate((start) => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.start(start), {
      ...warmth,
      livekitUrl,
      token,
      fps,
      background,
    });
  }

  /** Keeps a request's spare room for a warm page to join (the newest few: one per warm page is enough). */
  private offerSpareRoom(request: RendererSessionRequest): void {
    if (!request.spareRoom || this.warmPages === 0 || this.options.joinSpareRooms === false) return;
    const { width, height, fps, background } = request.video;
    this.spareRooms.push({
      warmth: { manifestUrl: request.avatar.manifestUrl, width, height },
      livekitUrl: request.livekit.url,
      identity: request.livekit.identity,
      fps,
      background,
      ...request.spareRoom,
    });
    this.spareRooms = this.spareRooms.slice(-this.warmPages);
  }

  /**
   * Starts a session on a page; `claimed` (when the request asked to be answered then) is called once the slot
   * and a page are the session's, before it joins the room. Resolves with the room it streams in (a spare room
   * its page joined ahead, or the request's own) and its page.
   */
  private async startSession(request: RendererSessionRequest, claimed?: (room: string) => void): Promise<{ room: string; page: Page }> {
    const started = Date.now();
    const { width, height, fps, background } = request.video;
    const warmth: PageWarmth = { manifestUrl: request.avatar.manifestUrl, width, height };
    const taken = await this.warm.take({ warmth, livekitUrl: request.livekit.url, fps, background });
    this.offerSpareRoom(request); // after take: a page of the last session's kind joins it
    const page = taken?.page ?? (await this.openPage());
    const room = taken?.joined?.room ?? request.livekit.room;
    const claimedAt = Date.now();
    this.pageLabels.set(page, request.sessionId);
    const livekitOrigin = httpOrigin(request.livekit.url);
    if (livekitOrigin) this.pageLiveKit.set(page, livekitOrigin);
    try {
      if (!taken?.joined) await page.setViewportSize({ width, height });
      const lapse = () => {
        this.log(`session ${request.sessionId}: audio socket lease lapsed`);
        void this.stopSession(request.sessionId);
      };
      const session = new RendererSession(request.sessionId, page, this.leaseMs, lapse, this.log);
      this.sessions.set(request.sessionId, session);
      page.once('crash', () => {
        this.log(`session ${request.sessionId}: page crashed`);
        void this.stopSession(request.sessionId);
      });
      claimed?.(room);
      // A page in a spare room joined and published before the request came: its steps end at the claim.
      const steps = taken?.joined
        ? { drawnAt: claimedAt, joinedAt: claimedAt, publishedAt: claimedAt }
        : await this.joinRoom(page, { warmth, livekitUrl: request.livekit.url, fps, background, ...request.livekit });
      session.publishing();
      const how = taken ? `warm ${taken.warm}` : 'cold page';
      const step = (at: number) => Math.round(at - started);
      this.log(
        `session ${request.sessionId} publishing into ${room} after ${Date.now() - started} ms (${how}): ` +
          `page ${step(claimedAt)}, drawn ${step(steps.drawnAt)}, joined ${step(steps.joinedAt)}, published ${step(steps.publishedAt)}`,
      );
      this.options.onSessionStarted?.({ sessionId: request.sessionId, requestedAt: started, claimedAt, page: how, room, ...steps });
      return { room, page };
    } catch (error) {
      // Answered already: the audio socket (if open) closes with RENDERER_SESSION_ENDED_CLOSE, and the server ends the session.
      if (!(await this.stopSession(request.sessionId))) await page.close().catch(() => undefined);
      throw error;
    }
  }

  private handleRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    const route = requestPath(request);
    if (!route) return refuse(response, 400, 'INVALID_REQUEST', 'Malformed request target.');
    if (request.method === 'GET' && route.pathname === '/page.html') {
      return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    }
    if (request.method === 'GET' && route.pathname === '/publisher.js') {
      return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(this.publisherJs));
    }
    if (request.method === 'GET' && route.pathname !== '/health') return refuse(response, 404, 'NOT_FOUND', 'No such route.');
    if (!this.authorized(request)) return refuse(response, 401, 'UNAUTHORIZED', 'Bearer secret expected.');
    if (request.method === 'GET' && route.pathname === '/health') {
      const active = this.sessions.size + this.starting.size;
      const health: RendererHealth = { ok: this.browser.isConnected(), capacity: this.capacity, active, warm: this.warm.size };
      return json(response, 200, health);
    }
    const match = /^\/sessions\/([^/]+)$/.exec(route.pathname);
    if (request.method === 'DELETE' && match) {
      void this.stopSession(decodedSegment(match[1])).then((known) => response.writeHead(known ? 204 : 404).end());
      return;
    }
    if (request.method === 'POST' && route.pathname === '/sessions') return this.handleStart(request, response);
    refuse(response, 404, 'NOT_FOUND', 'No such route.');
  }

  /** `POST /sessions`: reads the (bounded) body, checks it, and answers once the session publishes or failed. */
  private handleStart(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) return refuse(response, 413, 'PAYLOAD_TOO_LARGE', `At most ${MAX_BODY_BYTES} bytes.`);
      let parsed: RendererSessionRequest | string;
      try {
        parsed = parseRendererSessionRequest(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        parsed = 'JSON expected';
      }
      if (typeof parsed === 'string') return refuse(response, 400, 'INVALID_REQUEST', `Not a session request: ${parsed}.`);
      const start = parsed;
      if (!this.servers.allows(start.avatar.manifestUrl)) {
        return refuse(response, 400, 'INVALID_REQUEST', 'avatar.manifestUrl is not on a dhkit server this renderer serves.');
      }
      const exists = this.sessions.has(start.sessionId) || this.starting.has(start.sessionId);
      if (exists) return refuse(response, 409, 'INVALID_REQUEST', 'Session exists.');
      if (this.sessions.size + this.starting.size >= this.capacity) return refuse(response, 503, 'SERVER_BUSY', 'No free slot.');
      this.starting.add(start.sessionId);
      let answered = false;
      const answer = (room: string) => {
        if (answered) return;
        answered = true;
        this.starting.delete(start.sessionId);
        const body: RendererSessionAnswer = { sessionId: start.sessionId, ...(room !== start.livekit.room ? { room } : {}) };
        json(response, 201, body);
      };
      // Warm pages are refilled once the session's visitor sees the stream (or REFILL_WAIT_MS passed): opening one
      // takes a core for seconds (a browser process, the publisher's script, the pack drawn, a spare room joined), and
      // during the visitor's join it would slow that join, on this machine or, sharing one, the visitor's own.
      this.startSession(start, start.answerWhenClaimed ? answer : undefined).then(
        async ({ room, page }) => {
          answer(room);
          await page
            .evaluate((ms) => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.whenWatched(ms), REFILL_WAIT_MS)
            .catch(() => undefined); // the page closed meanwhile: refill now
          this.warm.refill();
        },
        (error: Error) => {
          this.starting.delete(start.sessionId);
          this.warm.refill();
          this.log(`session ${start.sessionId} failed: ${error.message}`);
          if (!answered) refuse(response, 502, 'INTERNAL_ERROR', 'The renderer could not start the stream.');
        },
      );
    });
  }
}
