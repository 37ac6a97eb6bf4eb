/** Livekit media mode, server side: admission reserves a renderer slot, turns speak through it, every end frees it. */
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TokenVerifier } from 'livekit-server-sdk';
import type { ServerMessage, SessionInfo } from '@dhkit/protocol';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { startLiveKitTestServer } from '../../test/livekit-server/index.js';
import { FakeRenderer, RENDERER_SECRET } from './fake-renderer.js';

const LIVEKIT = { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'a-livekit-test-secret-of-some-length' };

let server: RunningServer;
const renderer = new FakeRenderer();

async function until<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function createRobot(id: string, media: unknown, fields: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/robots`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ id, name: id, concurrency: 5, ...(media ? { media } : {}), ...fields }),
  });
}

async function admit(robotId: string): Promise<Response> {
  const code = await (await fetch(`${server.url}/v1/robots/${robotId}/once-codes`, { method: 'POST', headers: ADMIN })).json();
  return fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ robotId, onceCode: code.onceCode }),
  });
}

/** An admission whose Host and X-Forwarded-Host name an attacker's server (fetch cannot set Host). */
function admitWithForgedHost(base: string, robotId: string, onceCode: string): Promise<number> {
  const body = JSON.stringify({ robotId, onceCode });
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}/v1/sessions`, {
      method: 'POST',
      headers: { host: 'attacker.example', 'x-forwarded-host': 'attacker.example', 'content-type': 'application/json' },
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function mintCode(base: string, robotId: string): Promise<string> {
  return (await (await fetch(`${base}/v1/robots/${robotId}/once-codes`, { method: 'POST', headers: ADMIN })).json()).onceCode;
}

async function openChannel(info: SessionInfo): Promise<{ socket: WebSocket; messages: ServerMessage[]; binary: number[] }> {
  const socket = new WebSocket(server.url.replace('http', 'ws') + info.channelPath);
  const messages: ServerMessage[] = [];
  const binary: number[] = [];
  socket.on('message', (data: Buffer, isBinary) => (isBinary ? binary.push(data.length) : messages.push(JSON.parse(data.toString()))));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'hello', token: info.token, protocol: 1 }));
  await until(() => messages.some((m) => m.type === 'welcome'));
  return { socket, messages, binary };
}

beforeAll(async () => {
  await renderer.start();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: false, logLevel: 'silent' });
  const media = { mode: 'livekit', livekit: LIVEKIT, renderer: { url: renderer.url, secret: RENDERER_SECRET } };
  expect((await createRobot('streamed', media)).status).toBe(201);
  expect((await createRobot('streamed-fallback', { ...media, fallbackToLocal: true })).status).toBe(201);
});
afterAll(async () => {
  await server.close();
  await renderer.close();
});
beforeEach(() => {
  renderer.capacity = 1;
  renderer.refuseAudio = false;
  renderer.control.length = 0;
  renderer.audioFrames = 0;
});

describe('livekit media mode', () => {
  it('refuses livekit mode without a renderer, and masks the media secrets in admin answers', async () => {
    const bad = await createRobot('half', { mode: 'livekit', livekit: LIVEKIT });
    expect(bad.status).toBe(400);
    const robot = await (await fetch(`${server.url}/v1/robots/streamed`, { headers: ADMIN })).json();
    expect(robot.media.livekit.apiSecret).not.toContain(LIVEKIT.apiSecret.slice(0, 8));
    expect(robot.media.renderer.secret).not.toContain(RENDERER_SECRET.slice(0, 12));
    // A PATCH that sends the masked values back keeps the stored secrets (sessions still get a working renderer).
    const patched = await fetch(`${server.url}/v1/robots/streamed`, {
      method: 'PATCH',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ media: robot.media }),
    });
    expect(patched.status).toBe(200);
    const response = await admit('streamed');
    expect(response.status).toBe(201);
    const info = (await response.json()) as SessionInfo;
    await fetch(`${server.url}/v1/sessions/${info.sessionId}`, { method: 'DELETE', headers: ADMIN });
    await until(() => !renderer.sessions.has(info.sessionId));
    expect(renderer.unauthorized).toBe(0);
  });

  it('admits with a subscribe-only token, streams the turn through the renderer and frees the slot on bye', async () => {
    const response = await admit('streamed');
    expect(response.status).toBe(201);
    const info = (await response.json()) as SessionInfo;
    expect(info.mediaMode).toBe('livekit');
    expect(info.livekit?.url).toBe(LIVEKIT.url);
    expect(JSON.stringify(info)).not.toContain(LIVEKIT.apiSecret);
    const verifier = new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret);
    const visitor = await verifier.verify(info.livekit!.token);
    expect(visitor.video).toMatchObject({
      roomJoin: true,
      room: info.livekit!.room,
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
    });

    const started = renderer.sessions.get(info.sessionId)!;
    expect(started.livekit.room).toBe(info.livekit!.room);
    expect(started.avatar.manifestUrl).toBe(`${server.url}/avatars/default/manifest.json`);
    const publisher = await verifier.verify(started.livekit.token);
    expect(publisher.video).toMatchObject({ room: info.livekit!.room, canPublish: true, canPublishData: true });
    expect(publisher.sub).toBe(info.livekit!.rendererIdentity);

    const channel = await openChannel(info);
    channel.socket.send(JSON.stringify({ type: 'drivenText', chatId: 'chat-0001', text: 'Hello there. How are you?', isLast: true }));
    await until(() => channel.messages.find((m) => m.type === 'turnEnd'));
    // The renderer speaks; the browser gets the turn's bounds and text but no audio of its own.
    const speech = renderer.control.filter((m) => m.type === 'speech');
    expect(speech.map((m) => m.type === 'speech' && m.text).join(' ')).toContain('How are you');
    await until(() => renderer.audioFrames > 0 && renderer.control.some((m) => m.type === 'turnEnd'));
    expect(channel.messages.some((m) => m.type === 'speech')).toBe(false);
    expect(channel.binary).toEqual([]);
    expect(channel.messages.some((m) => m.type === 'semantic' || m.type === 'turnStart')).toBe(true);

    channel.socket.send(JSON.stringify({ type: 'interrupt' }));
    await until(() => renderer.control.some((m) => m.type === 'interrupt'));

    channel.socket.send(JSON.stringify({ type: 'bye' }));
    await until(() => renderer.deleted.includes(info.sessionId));
    expect(renderer.sessions.size).toBe(0);
  });

  it('offers the renderer a spare room, and gives the visitor the spare room it answers with, never another room', async () => {
    const kick = async (sessionId: string) => {
      await fetch(`${server.url}/v1/sessions/${sessionId}`, { method: 'DELETE', headers: ADMIN });
      await until(() => renderer.deleted.includes(sessionId));
    };
    const verifier = new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret);
    const first = (await (await admit('streamed')).json()) as SessionInfo;
    expect(first.livekit!.room).toBe(`dhkit-${first.sessionId}`);
    const offer = renderer.sessions.get(first.sessionId)!.spareRoom!;
    expect(offer.room).toMatch(/^dhkit-spare-[A-Za-z0-9_-]+$/);
    const spareToken = await verifier.verify(offer.token);
    expect(spareToken.video).toMatchObject({ room: offer.room, canPublish: true, canPublishData: true, canSubscribe: false });
    expect(spareToken.sub).toBe(first.livekit!.rendererIdentity);
    await kick(first.sessionId);

    try {
      renderer.answerRoom = offer.room; // the renderer had a page in that room already
      const second = (await (await admit('streamed')).json()) as SessionInfo;
      expect(second.livekit!.room).toBe(offer.room);
      expect((await verifier.verify(second.livekit!.token)).video).toMatchObject({
        room: offer.room,
        canSubscribe: true,
        canPublish: false,
      });
      expect(renderer.sessions.get(second.sessionId)!.spareRoom!.room).not.toBe(offer.room); // each spare room is offered once
      await kick(second.sessionId);

      renderer.answerRoom = `dhkit-${first.sessionId}`; // not a spare room: another session's, say
      const third = (await (await admit('streamed')).json()) as SessionInfo;
      expect(third.livekit!.room).toBe(`dhkit-${third.sessionId}`);
      await kick(third.sessionId);
    } finally {
      renderer.answerRoom = undefined;
    }
  });

  it('frees the slot when the admin kicks the session or the page closes its channel', async () => {
    const first = (await (await admit('streamed')).json()) as SessionInfo;
    await fetch(`${server.url}/v1/sessions/${first.sessionId}`, { method: 'DELETE', headers: ADMIN });
    await until(() => renderer.deleted.includes(first.sessionId));

    const second = (await (await admit('streamed')).json()) as SessionInfo;
    const channel = await openChannel(second);
    channel.socket.close(1001);
    await until(() => renderer.deleted.includes(second.sessionId));
    expect(renderer.sessions.size).toBe(0);
  });

  it('frees the slot when the robot is deleted', async () => {
    const media = { mode: 'livekit', livekit: LIVEKIT, renderer: { url: renderer.url, secret: RENDERER_SECRET } };
    expect((await createRobot('streamed-doomed', media)).status).toBe(201);
    const info = (await (await admit('streamed-doomed')).json()) as SessionInfo;
    expect(renderer.sessions.has(info.sessionId)).toBe(true);
    expect((await fetch(`${server.url}/v1/robots/streamed-doomed`, { method: 'DELETE', headers: ADMIN })).status).toBe(204);
    await until(() => renderer.deleted.includes(info.sessionId));
  });

  it('frees the slot when the session times out (idle, or at its maximum duration)', async () => {
    const media = { mode: 'livekit', livekit: LIVEKIT, renderer: { url: renderer.url, secret: RENDERER_SECRET } };
    expect((await createRobot('streamed-idle', media, { idleTimeoutSeconds: 1 })).status).toBe(201);
    const idle = (await (await admit('streamed-idle')).json()) as SessionInfo;
    const idleChannel = await openChannel(idle);
    await until(() => idleChannel.messages.find((m) => m.type === 'sessionEnd'), 10_000);
    await until(() => renderer.deleted.includes(idle.sessionId));

    expect((await createRobot('streamed-short', media, { maxSessionSeconds: 1 })).status).toBe(201);
    const short = (await (await admit('streamed-short')).json()) as SessionInfo;
    const shortChannel = await openChannel(short);
    const ping = setInterval(() => shortChannel.socket.send(JSON.stringify({ type: 'ping', t: 1 })), 200);
    try {
      await until(() => shortChannel.messages.find((m) => m.type === 'sessionEnd'), 10_000);
    } finally {
      clearInterval(ping);
    }
    await until(() => renderer.deleted.includes(short.sessionId));
    expect(renderer.sessions.size).toBe(0);
  });

  it('ends the session when the renderer ends it by itself, or goes away and does not come back', async () => {
    const ended = (await (await admit('streamed')).json()) as SessionInfo;
    const channel = await openChannel(ended);
    const socket = await until(() => renderer.audioSockets.get(ended.sessionId));
    socket.close(4000, 'session stopped'); // its page crashed: the renderer says the session is over
    expect(await until(() => channel.messages.find((m) => m.type === 'sessionEnd'))).toEqual({ type: 'sessionEnd', reason: 'CLOSED' });

    // A blip: the socket drops and comes back; the session carries on.
    const blip = (await (await admit('streamed')).json()) as SessionInfo;
    const blipChannel = await openChannel(blip);
    const first = await until(() => renderer.audioSockets.get(blip.sessionId));
    first.terminate();
    await until(() => renderer.audioSockets.get(blip.sessionId) !== first && renderer.audioSockets.get(blip.sessionId));
    blipChannel.socket.send(JSON.stringify({ type: 'drivenText', chatId: 'chat-0003', text: 'Still here.', isLast: true }));
    await until(() => renderer.control.some((m) => m.type === 'speech' && m.chatId === 'chat-0003'));
    expect(blipChannel.messages.some((m) => m.type === 'sessionEnd')).toBe(false);

    // The renderer crashed and restarted: it refuses the socket; after a few tries the session ends.
    renderer.refuseAudio = true;
    renderer.audioSockets.get(blip.sessionId)!.terminate();
    expect(await until(() => blipChannel.messages.find((m) => m.type === 'sessionEnd'), 10_000)).toEqual({
      type: 'sessionEnd',
      reason: 'CLOSED',
    });
    const listed = await (await fetch(`${server.url}/v1/robots/streamed/sessions`, { headers: ADMIN })).json();
    expect(listed.sessions).toEqual([]);
  }, 20_000);

  it('leaves local robots as they were: no renderer, speech and audio on the channel', async () => {
    expect((await createRobot('plain', undefined)).status).toBe(201);
    const info = (await (await admit('plain')).json()) as SessionInfo;
    expect(info.mediaMode).toBe('local');
    expect(info.livekit).toBeUndefined();
    const channel = await openChannel(info);
    channel.socket.send(JSON.stringify({ type: 'drivenText', chatId: 'chat-0002', text: 'Hello there.', isLast: true }));
    await until(() => channel.messages.find((m) => m.type === 'turnEnd'));
    await until(() => channel.binary.length > 0);
    expect(channel.messages.some((m) => m.type === 'speech')).toBe(true);
    expect(renderer.control).toEqual([]);
    channel.socket.close(1000);
  });

  it('answers SERVER_BUSY when no renderer slot is free, or falls back to local mode when the robot allows it', async () => {
    renderer.capacity = 0;
    const busy = await admit('streamed');
    expect(busy.status).toBe(503);
    expect((await busy.json()).error.code).toBe('SERVER_BUSY');
    const fallback = await admit('streamed-fallback');
    expect(fallback.status).toBe(201);
    const info = (await fallback.json()) as SessionInfo;
    expect(info.mediaMode).toBe('local');
    expect(info.livekit).toBeUndefined();
    expect(renderer.sessions.size).toBe(0);
  });

  it('names the renderer the public origin: the listen address, or DHKIT_PUBLIC_URL, never the Host a visitor sends', async () => {
    const stop = async (id: string) => {
      await fetch(`${server.url}/v1/sessions/${id}`, { method: 'DELETE', headers: ADMIN });
      await until(() => !renderer.sessions.has(id));
    };
    expect(await admitWithForgedHost(server.url, 'streamed', await mintCode(server.url, 'streamed'))).toBe(201);
    const [listenSession] = [...renderer.sessions.values()];
    expect(listenSession.avatar.manifestUrl).toBe(`${server.url}/avatars/default/manifest.json`);
    await stop(listenSession.sessionId);

    const configured = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      demo: false,
      logLevel: 'silent',
      publicUrl: 'https://talk.example.com/',
    });
    try {
      const media = { mode: 'livekit', livekit: LIVEKIT, renderer: { url: renderer.url, secret: RENDERER_SECRET } };
      await fetch(`${configured.url}/v1/robots`, {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'streamed', name: 'streamed', concurrency: 5, media }),
      });
      expect(await admitWithForgedHost(configured.url, 'streamed', await mintCode(configured.url, 'streamed'))).toBe(201);
      const [publicSession] = [...renderer.sessions.values()];
      expect(publicSession.avatar.manifestUrl).toBe('https://talk.example.com/avatars/default/manifest.json');
      await fetch(`${configured.url}/v1/sessions/${publicSession.sessionId}`, { method: 'DELETE', headers: ADMIN });
      await until(() => !renderer.sessions.has(publicSession.sessionId));
    } finally {
      await configured.close();
    }
    // A public URL with a path or credentials is a configuration error, refused at start.
    await expect(
      startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: tempDir(),
        adminKey: ADMIN_KEY,
        logLevel: 'silent',
        publicUrl: 'https://u:p@x.example',
      }),
    ).rejects.toThrow(/user name or password/);
  });

  it("the visitor's LiveKit token is short-lived, and a kick removes the visitor from the room", async () => {
    const livekit = await startLiveKitTestServer();
    try {
      const settings = { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
      const media = { mode: 'livekit', livekit: settings, renderer: { url: renderer.url, secret: RENDERER_SECRET } };
      expect((await createRobot('streamed-room', media)).status).toBe(201);
      const info = (await (await admit('streamed-room')).json()) as SessionInfo;
      const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(info.livekit!.token);
      expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(300); // was the session's maximum plus 5 minutes
      // The page joins the room (signalling only: enough to be a participant of the test double).
      const joined = new WebSocket(`${livekit.url}/rtc?access_token=${info.livekit!.token}&auto_subscribe=0`);
      await until(() => livekit.participant(info.livekit!.room, claims.sub!));
      await fetch(`${server.url}/v1/sessions/${info.sessionId}`, { method: 'DELETE', headers: ADMIN });
      await until(() => !livekit.participant(info.livekit!.room, claims.sub!));
      await until(() => joined.readyState === WebSocket.CLOSED);
    } finally {
      await livekit.close();
    }
  });
});
