// A visitor that asks for speech and never reads: the server pauses the turn once the socket holds more than
// the high-water mark, ends the session when it stays there (stored SLOW_READER, sessionEnd then close 4010 —
// SESSION_ENDED in the SDK), and keeps answering another visitor meanwhile. Everything is counted: the bytes the
// server queued on the socket, never a duration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { CLOSE_CODES } from '@dhkit/protocol';
import { createApp } from '../src/app.js';
import { sleep } from './brain-servers.js';
import { ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

const HIGH_WATER = 256 * 1024;
/** The largest single send the server makes: an audio frame of a clause's chunk, with room for a JSON message. */
const ONE_SEND = 64 * 1024;

let app: Awaited<ReturnType<typeof createApp>>;
let url: string;

// What the server's sockets held unsent right after each send (ws counts it in bufferedAmount): observed, not
// changed. The visitors' own sockets (clients) are left out.
let peakQueued = 0;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (this: WebSocket & { _isServer: boolean }, ...args: Parameters<WebSocket['send']>) {
  send.apply(this, args);
  if (this._isServer) peakQueued = Math.max(peakQueued, this.bufferedAmount);
} as WebSocket['send'];

beforeAll(async () => {
  app = await createApp({
    dataDir: tempDir(),
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: 'error',
    // Backpressure alone: with real-time pacing (audio-pacing.test.ts) a client that never reads fills the socket
    // at the speed of speech, minutes for the kernel's buffers; here the whole speech may go out at once.
    sessionTimeouts: { sendHighWaterBytes: HIGH_WATER, slowReaderMs: 2000, audioLeadMs: 60 * 60_000 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  WebSocket.prototype.send = send;
  await app.close();
});

const sentence = 'This sentence is long enough to be spoken for a while by the speech engine. ';
const piece = sentence.repeat(Math.floor(2000 / sentence.length));

/** A visitor whose TCP socket is paused: the kernel's buffers fill, then the server's send queue would grow. */
async function nonReader(): Promise<Visitor & { underlying: { pause(): void; resume(): void } }> {
  const visitor = await Visitor.admit(url, 'demo');
  const underlying = (visitor.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  underlying.pause();
  return Object.assign(visitor, { underlying });
}

/** Waits (bounded) until the server has queued more than the mark on a socket: the client stopped reading. */
async function untilOverTheMark(): Promise<void> {
  for (let i = 0; i < 1800 && peakQueued <= HIGH_WATER; i++) await sleep(100);
  expect(peakQueued).toBeGreaterThan(HIGH_WATER);
}

/** Waits (bounded) for the registry's sweep to end the session; what the store and the client then say. */
async function endedSession(reader: Awaited<ReturnType<typeof nonReader>>) {
  const { registry, store } = app.dhkit.context;
  for (let i = 0; i < 600 && registry.get(reader.info.sessionId); i++) await sleep(100);
  expect(registry.get(reader.info.sessionId)).toBeUndefined();
  for (let i = 0; i < 50 && !(await store.getSession(reader.info.sessionId))?.endReason; i++) await sleep(20);
  // Reading again, the client gets what was queued, then sessionEnd and the close code (the SDK: SESSION_ENDED).
  reader.underlying.resume();
  const closed = await reader.closed;
  return { endReason: (await store.getSession(reader.info.sessionId))?.endReason, closed, messages: reader.messages };
}

describe('a client that never reads', () => {
  it('has its turn paused at the mark and its session ended (SLOW_READER, close 4010); another visitor is answered', async () => {
    peakQueued = 0;
    const reader = await nonReader();
    const calm = await Visitor.admit(url, 'demo');
    for (let i = 0; i < 6; i++) reader.send({ type: 'drivenText', chatId: 'slow-reader-turn', text: piece, isLast: i === 5 });
    // It keeps pinging, so only backpressure (not the heartbeat timeout) may end it.
    const pinger = setInterval(() => reader.socket.readyState === 1 && reader.send({ type: 'ping', t: Date.now() }), 500);
    await untilOverTheMark();
    expect(await calm.ask('你好')).toBeGreaterThan(0);
    const { endReason, closed, messages } = await endedSession(reader);
    clearInterval(pinger);
    // The turn waited at the mark: the queue never held more than the mark and one send on top of it.
    expect(peakQueued).toBeLessThanOrEqual(HIGH_WATER + ONE_SEND);
    expect(endReason).toBe('SLOW_READER');
    expect(closed.code).toBe(CLOSE_CODES.sessionEnded);
    expect(messages.at(-1)).toEqual({ type: 'sessionEnd', reason: 'CLOSED' });
    expect(app.dhkit.context.registry.get(calm.info.sessionId)).toBeDefined();
    expect(await calm.ask('hello')).toBeGreaterThan(0);
    calm.close();
  }, 300_000);

  it('is ended even when it opens a new turn every half second (each one interrupts the paused one)', async () => {
    peakQueued = 0;
    const reader = await nonReader();
    let turn = 0;
    const asker = setInterval(() => {
      if (reader.socket.readyState !== 1) return;
      reader.send({ type: 'ping', t: Date.now() });
      // The demo robot's question bucket (burst 20, 60/min) lets about one new turn in two through: enough.
      reader.send({ type: 'drivenText', chatId: `slow-reader-${turn++}`, text: piece, isLast: true });
    }, 500);
    await untilOverTheMark();
    const { endReason, closed } = await endedSession(reader);
    clearInterval(asker);
    expect(peakQueued).toBeLessThanOrEqual(HIGH_WATER + ONE_SEND);
    expect(endReason).toBe('SLOW_READER');
    expect(closed.code).toBe(CLOSE_CODES.sessionEnded);
  }, 300_000);
});
