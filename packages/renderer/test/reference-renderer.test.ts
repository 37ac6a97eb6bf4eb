/**
 * `dhkit-renderer` on its own, the way a dhkit server drives it (docs/renderer-protocol.md): real headless
 * Chromium drawing the default avatar pack from a real dhkit server and publishing into the LiveKit test
 * double. A session starts on the warm page; its slot comes back when the dhkit server disappears (the audio
 * socket is the lease); hostile requests are refused with a code, and the renderer stays up.
 * (The whole chain with a visitor's page is e2e/livekit.spec.ts.)
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import WebSocket from 'ws';
import { chromium } from '@playwright/test';
import { startServer, type RunningServer } from '../../../server/src/index.js';
import { startRenderer, type RunningRenderer } from '../src/reference-renderer.js';
import type { RendererSessionRequest } from '@dhkit/protocol';
import { startLiveKitTestServer, type LiveKitTestServer } from '../../../test/livekit-server/index.js';
import { ADMIN_KEY, tempDir } from '../../../server/test/helpers.js';
import { descendantsOf } from './browser-process.js';

const SECRET = 'renderer-secret-for-the-test-0123';
const AUTH = { authorization: `Bearer ${SECRET}` };
const CHROMIUM = process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium';
const LEASE_MS = 1500;

let livekit: LiveKitTestServer;
let server: RunningServer;
let renderer: RunningRenderer;
const lines: string[] = [];
let sessionCount = 0;

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function health(): Promise<{ ok: boolean; capacity: number; active: number; warm?: number }> {
  return (await fetch(`${renderer.url}/health`, { headers: AUTH })).json();
}

async function sessionRequest(): Promise<RendererSessionRequest> {
  const sessionId = `s_test_${++sessionCount}`;
  const room = `dhkit-${sessionId}`;
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: 'dhkit-renderer' });
  token.addGrant({ roomJoin: true, room, canPublish: true, canPublishData: true, canSubscribe: false });
  return {
    sessionId,
    livekit: { url: livekit.url, room, identity: 'dhkit-renderer', token: await token.toJwt() },
    avatar: { id: 'default', manifestUrl: `${server.url}/avatars/default/manifest.json` },
    voice: { language: 'en_US', voices: { en_US: 'en-us' } },
    video: { width: 320, height: 320, fps: 15, background: 'pack' },
    audioPath: `/sessions/${sessionId}/audio`,
  };
}

/** A spare room offer, as the dhkit server makes one: a random name under the prefix, a publish token for it. */
async function spareRoom(): Promise<{ room: string; token: string }> {
  const room = `dhkit-spare-${++sessionCount}`;
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: 'dhkit-renderer' });
  token.addGrant({ roomJoin: true, room, canPublish: true, canPublishData: true, canSubscribe: false });
  return { room, token: await token.toJwt() };
}

function post(body: unknown, headers: Record<string, string> = AUTH): Promise<Response> {
  return fetch(`${renderer.url}/sessions`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function openAudioSocket(sessionId: string): Promise<WebSocket> {
  const socket = new WebSocket(`${renderer.url.replace('http', 'ws')}/sessions/${sessionId}/audio`, { headers: AUTH });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  livekit = await startLiveKitTestServer();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: false, logLevel: 'silent' });
  renderer = await startRenderer({
    port: 0,
    capacity: 1,
    warmPages: 1,
    secret: SECRET,
    sdkDir: 'packages/sdk/dist',
    chromiumPath: CHROMIUM,
    chromiumArgs: ['--disable-background-networking', '--disable-component-update', '--disable-sync'],
    leaseMs: LEASE_MS,
    log: (line) => lines.push(line),
  });
}, 60_000);

afterAll(async () => {
  if (process.env.DEBUG_RENDERER) console.log(lines.join('\n'));
  await renderer?.close();
  await server?.close();
  await livekit?.close();
});

describe('dhkit renderer', () => {
  it('keeps a page warm, starts a session on it, and is full while the session runs', async () => {
    await until(async () => (await health()).warm === 1);
    expect(await health()).toMatchObject({ ok: true, capacity: 1, active: 0 });

    const request = await sessionRequest();
    const started = await post(request);
    expect(started.status).toBe(201);
    expect(lines.some((line) => line.includes(`session ${request.sessionId} publishing`) && line.includes('(warm page)'))).toBe(true);
    // The renderer really is in the room, publishing the avatar's video and voice.
    const publisher = livekit.participant(request.livekit.room, 'dhkit-renderer');
    expect(publisher).toBeDefined();
    await until(() => publisher!.liveTracks().length === 2);
    expect((await health()).active).toBe(1);
    expect((await health()).warm).toBe(0); // no free slot: nothing to keep warm

    const refused = await post(await sessionRequest());
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe('SERVER_BUSY');

    const socket = await openAudioSocket(request.sessionId);
    expect((await fetch(`${renderer.url}/sessions/${request.sessionId}`, { method: 'DELETE', headers: AUTH })).status).toBe(204);
    await until(() => socket.readyState === WebSocket.CLOSED);
    expect(renderer.active.size).toBe(0);
    // The freed slot gets its warm page back, now drawing the pack the last session used.
    await until(async () => (await health()).warm === 1);
  }, 60_000);

  it('a publisher page draws one still frame a second until someone in its room sees the stream, then full rate', async () => {
    // The renderer's own page and publisher, in a browser of the test's: its frame counter can be read.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${renderer.url}/page.html`);
      await page.waitForFunction(() => (window as any).publisherLoaded);
      const { livekit: join, avatar } = await sessionRequest();
      const options = {
        manifestUrl: avatar.manifestUrl,
        width: 320,
        height: 320,
        livekitUrl: join.url,
        token: join.token,
        fps: 15,
        background: 'pack',
      };
      await page.evaluate((start) => (window as any).dhkitPublisher.start(start), options);
      const framesOver = async (ms: number) => {
        const before: number = await page.evaluate(() => (window as any).dhkitPublisher.framesPublished);
        await new Promise((resolve) => setTimeout(resolve, ms));
        return (await page.evaluate(() => (window as any).dhkitPublisher.framesPublished)) - before;
      };
      const whenWatched = () => page.evaluate(() => (window as any).dhkitPublisher.whenWatched(30_000).then(() => performance.now()));
      const pageNow = (): Promise<number> => page.evaluate(() => performance.now());
      const joinSignalOnly = async (identity: string) => {
        const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity });
        token.addGrant({ roomJoin: true, room: join.room, canPublish: false, canSubscribe: true });
        const socket = new WebSocket(`${livekit.url}/rtc?access_token=${await token.toJwt()}&auto_subscribe=0`);
        await until(() => livekit.participant(join.room, identity));
        return socket;
      };
      const leave = async (identity: string, socket: WebSocket) => {
        await new RoomServiceClient(livekit.url.replace(/^ws/, 'http'), livekit.apiKey, livekit.apiSecret).removeParticipant(
          join.room,
          identity,
        );
        socket.close();
        await until(() => !livekit.participant(join.room, identity));
      };
      expect(await framesOver(3000)).toBeLessThanOrEqual(4); // 1 a second (45 at full rate)

      // A visitor joins: while only its signalling is up (its media connection still to come), the page stays still.
      let watched = whenWatched();
      const visitor = await joinSignalOnly('visitor-watching');
      expect(await framesOver(2500)).toBeLessThanOrEqual(4);
      // Its media connection is up: the media server asks the publisher for a keyframe over RTCP (the double does for
      // a subscriber whose connection is up; this one stands in for it), and the avatar moves at 15 fps.
      const video = livekit
        .participant(join.room, 'dhkit-renderer')!
        .liveTracks()
        .find((track) => track.kind === 'video')!;
      const subscriber = { dtlsTransport: { iceTransport: { state: 'connected' } }, sendRtp: async () => undefined } as any;
      video.senders.add(subscriber);
      const askedAt = await pageNow();
      video.requestKeyframe!();
      expect((await watched) - askedAt).toBeLessThan(1000); // at the request, not at VIEWER_WAIT_MS
      expect(await framesOver(2000)).toBeGreaterThanOrEqual(15);
      video.senders.delete(subscriber);

      // It leaves (removed, as a kick does): one frame a second again.
      await leave('visitor-watching', visitor);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await framesOver(3000)).toBeLessThanOrEqual(4);

      // Someone joins and never asks for a picture: full rate anyway after the publisher's VIEWER_WAIT_MS (5 s).
      watched = whenWatched();
      const silent = await joinSignalOnly('visitor-silent');
      const joinedAt = await pageNow();
      const waited = (await watched) - joinedAt;
      expect(waited).toBeGreaterThan(4000);
      expect(waited).toBeLessThan(7000);
      await leave('visitor-silent', silent);
      await page.evaluate(() => (window as any).dhkitPublisher.stop());
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('the next session finds its pack already drawn', async () => {
    await until(async () => (await health()).warm === 1);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the warm page draws the pack
    const request = await sessionRequest();
    expect((await post(request)).status).toBe(201);
    expect(lines.some((line) => line.includes(`session ${request.sessionId} publishing`) && line.includes('(warm pack)'))).toBe(true);
    await fetch(`${renderer.url}/sessions/${request.sessionId}`, { method: 'DELETE', headers: AUTH });
  }, 60_000);

  it('answers once the slot is claimed when asked, and ends a session that then fails to join: audio socket closed with 4000', async () => {
    await until(async () => (await health()).warm === 1);
    const request = { ...(await sessionRequest()), answerWhenClaimed: true };
    expect((await post(request)).status).toBe(201);
    // Answered before it publishes (joining takes a WebRTC handshake): the server admits the visitor meanwhile.
    expect(lines.some((line) => line.includes(`session ${request.sessionId} publishing`))).toBe(false);
    await until(() => livekit.participant(request.livekit.room, 'dhkit-renderer')?.liveTracks().length === 2);
    await fetch(`${renderer.url}/sessions/${request.sessionId}`, { method: 'DELETE', headers: AUTH });
    await until(() => renderer.active.size === 0);

    await until(async () => (await health()).warm === 1);
    const doomed = { ...(await sessionRequest()), answerWhenClaimed: true };
    doomed.livekit = { ...doomed.livekit, token: 'not-a-livekit-token' }; // LiveKit refuses the join after the answer
    expect((await post(doomed)).status).toBe(201);
    // The server's audio socket: closed with 4000 (the server then ends the visitor's session), or refused when the
    // session ended before it opened (the server ends it then too).
    const ended = await openAudioSocket(doomed.sessionId).then(
      (socket) => new Promise<number | string>((resolve) => socket.once('close', (code) => resolve(code))),
      () => 'refused',
    );
    expect([4000, 'refused']).toContain(ended);
    await until(() => !renderer.active.has(doomed.sessionId));
    await until(() => lines.some((line) => line.startsWith(`session ${doomed.sessionId} failed`)));
  }, 60_000);

  it('frees the slot by itself when the dhkit server goes away: audio socket never opened, or closed', async () => {
    const never = await sessionRequest();
    expect((await post(never)).status).toBe(201);
    await until(() => renderer.active.size === 0, LEASE_MS + 5000);
    expect(lines).toContain(`session ${never.sessionId}: audio socket lease lapsed`);

    await until(async () => (await health()).warm === 1);
    const dropped = await sessionRequest();
    expect((await post(dropped)).status).toBe(201);
    const socket = await openAudioSocket(dropped.sessionId);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 500));
    expect(renderer.active.has(dropped.sessionId)).toBe(true); // an open socket holds the lease
    socket.terminate(); // the dhkit process died
    await until(() => !renderer.active.has(dropped.sessionId), LEASE_MS + 5000);
  }, 60_000);

  it('runs Chromium with its sandbox, never as root', async () => {
    // Chromium rewrites its processes' titles into one string, so flags are matched in the joined command line.
    const chromium = descendantsOf(process.pid)
      .map((info) => ({ ...info, command: info.cmdline.join(' ') }))
      .filter((info) => info.command.includes('chromium'));
    const browser = chromium.find((info) => !info.command.includes('--type='));
    const pages = chromium.filter((info) => info.command.includes('--type=renderer'));
    expect(browser).toBeDefined();
    expect(pages.length).toBeGreaterThan(0); // the warm page
    for (const info of chromium) {
      expect(info.uid, info.command).not.toBe(0);
      expect(info.command).not.toMatch(/(^| )--no-sandbox( |$)/);
    }
    // The sandbox puts each page's process in a user namespace of its own.
    for (const page of pages) expect(page.userNamespace).not.toBe(browser!.userNamespace);
    expect(lines.some((line) => line.startsWith('Chromium runs sandboxed'))).toBe(true);
  });

  it('joins an offered spare room ahead: the next session like the last is answered with that room, already publishing', async () => {
    await until(async () => (await health()).warm === 1);
    const spare = await spareRoom();
    const first = { ...(await sessionRequest()), spareRoom: spare };
    const firstAnswer = await post(first);
    expect(await firstAnswer.json()).toEqual({ sessionId: first.sessionId }); // its own room: no page was in one yet
    await fetch(`${renderer.url}/sessions/${first.sessionId}`, { method: 'DELETE', headers: AUTH });
    // The freed slot's warm page joins the spare room and publishes there before any session asks for it.
    await until(() => livekit.participant(spare.room, 'dhkit-renderer')?.liveTracks().length === 2, 60_000);
    expect(renderer.active.size).toBe(0);

    const second = { ...(await sessionRequest()), spareRoom: await spareRoom() };
    const secondAnswer = await post(second);
    expect(secondAnswer.status).toBe(201);
    expect(await secondAnswer.json()).toEqual({ sessionId: second.sessionId, room: spare.room });
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^session ${second.sessionId} publishing into ${spare.room} .*\\(warm room\\)`)),
    );
    expect(livekit.participant(second.livekit.room, 'dhkit-renderer')).toBeUndefined(); // the session's own room stays empty
    await fetch(`${renderer.url}/sessions/${second.sessionId}`, { method: 'DELETE', headers: AUTH });
    await until(() => !livekit.participant(spare.room, 'dhkit-renderer'));

    // A page in a spare room publishes one stream: a session asking for another (here 10 fps, not 15) joins its own.
    await until(() => livekit.participant(second.spareRoom.room, 'dhkit-renderer')?.liveTracks().length === 2, 60_000);
    const other = await sessionRequest();
    other.video = { ...other.video, fps: 10 };
    const otherAnswer = await post(other);
    expect(await otherAnswer.json()).toEqual({ sessionId: other.sessionId });
    await until(() => livekit.participant(other.livekit.room, 'dhkit-renderer')?.liveTracks().length === 2);
    await until(() => !livekit.participant(second.spareRoom.room, 'dhkit-renderer')); // that page was closed
    await fetch(`${renderer.url}/sessions/${other.sessionId}`, { method: 'DELETE', headers: AUTH });
    await until(() => renderer.active.size === 0);
  }, 180_000); // four page starts and five WebRTC joins: over a minute at load 20

  it('refuses hostile requests with a code and stays up', async () => {
    expect((await post(await sessionRequest(), {})).status).toBe(401);
    expect((await fetch(`${renderer.url}/health`)).status).toBe(401);

    const malformed = await post('{"sessionId": ');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('INVALID_REQUEST');
    for (const [change, field] of [
      [{ sessionId: '../../etc' }, 'sessionId'],
      [{ livekit: null }, 'livekit'],
      [{ video: { width: 1e9, height: 320, fps: 15, background: 'pack' } }, 'video.width'],
      [{ video: { width: 320, height: 320, fps: 15, background: 'plaid' } }, 'video.background'],
      [{ avatar: { id: 'default', manifestUrl: 'file:///etc/passwd' } }, 'avatar'],
      // A pack on a host that is no dhkit server of this renderer (a forged Host once named one).
      [{ avatar: { id: 'default', manifestUrl: 'http://attacker.example/avatars/default/manifest.json' } }, 'avatar.manifestUrl'],
      [{ audioPath: '/elsewhere' }, 'audioPath'],
      [{ answerWhenClaimed: 'yes' }, 'answerWhenClaimed'],
      [{ spareRoom: { room: 'dhkit-s_other', token: 't' } }, 'spareRoom'], // only spare rooms' names: never a session's
      [{ spareRoom: { room: 'dhkit-spare-x' } }, 'spareRoom'],
    ] as const) {
      const response = await post({ ...(await sessionRequest()), ...change });
      expect(response.status, field).toBe(400);
      expect((await response.json()).error.message).toContain(field);
    }
    const huge = await post({ ...(await sessionRequest()), padding: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('PAYLOAD_TOO_LARGE');

    // Request targets that are no URL, or escapes that decode to nothing.
    const raw = await new Promise<string>((resolve) => {
      const { port } = new URL(renderer.url);
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.end(`GET //[ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRET}\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${renderer.url}/sessions/%E0%A4%A`, { method: 'DELETE', headers: AUTH })).status).toBe(404);

    // Junk on a session's audio socket: ignored.
    await until(async () => (await health()).warm === 1);
    const request = await sessionRequest();
    expect((await post(request)).status).toBe(201);
    const socket = await openAudioSocket(request.sessionId);
    for (const junk of [
      'null',
      '42',
      '"speech"',
      '{"type":"speech","chatId":7}',
      '{"type":"speech","chatId":"c","clauseId":0,"text":"x","sampleRate":1e12}',
      'not json',
    ])
      socket.send(junk);
    socket.send(Buffer.from([1, 2, 3, 4, 5]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await health()).toMatchObject({ ok: true, active: 1 });
    socket.close();
    await fetch(`${renderer.url}/sessions/${request.sessionId}`, { method: 'DELETE', headers: AUTH });
    expect((await health()).ok).toBe(true);
  }, 60_000);
});
