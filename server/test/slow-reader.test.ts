// A visitor that asks for speech and never reads: the server pauses the turn once the socket holds more than
// the high-water mark, ends the session when it stays there, and keeps answering another visitor meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { sleep } from './brain-servers.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: tempDir(),
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: 'error',
    // Backpressure alone: with real-time pacing (audio-pacing.test.ts) a client that never reads fills the socket
    // at the speed of speech, minutes for the kernel's buffers; here the whole speech may go out at once.
    sessionTimeouts: { sendHighWaterBytes: 256 * 1024, slowReaderMs: 2000, audioLeadMs: 60 * 60_000 },
  });
});
afterAll(() => server.close());

async function liveSessionIds(robotId: string): Promise<string[]> {
  const body = await (await fetch(`${server.url}/v1/robots/${robotId}/sessions`, { headers: ADMIN })).json();
  return (body.sessions ?? body).map((s: { id?: string; sessionId?: string }) => s.id ?? s.sessionId);
}

describe('a client that never reads', () => {
  it('has its session ended (SLOW_READER) instead of a growing queue; another visitor is answered', async () => {
    const reader = await Visitor.admit(server.url, 'demo');
    const calm = await Visitor.admit(server.url, 'demo');
    // Stop reading from the TCP socket: the kernel buffers fill, then the server's send queue would grow.
    (reader.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const sentence = 'This sentence is long enough to be spoken for a while by the speech engine. ';
    const piece = sentence.repeat(Math.floor(2000 / sentence.length));
    for (let i = 0; i < 6; i++) reader.send({ type: 'drivenText', chatId: 'slow-reader-turn', text: piece, isLast: i === 5 });
    // It keeps pinging, so only backpressure (not the heartbeat timeout) may end it.
    const pinger = setInterval(() => reader.socket.readyState === 1 && reader.send({ type: 'ping', t: Date.now() }), 1000);
    expect(await calm.ask('你好')).toBeLessThan(10_000);
    expect(await liveSessionIds('demo')).toContain(reader.info.sessionId);
    const deadline = Date.now() + 40_000;
    while ((await liveSessionIds('demo')).includes(reader.info.sessionId) && Date.now() < deadline) await sleep(250);
    clearInterval(pinger);
    expect(await liveSessionIds('demo')).not.toContain(reader.info.sessionId);
    expect(await liveSessionIds('demo')).toContain(calm.info.sessionId);
    expect(await calm.ask('hello')).toBeLessThan(10_000);
    calm.close();
  }, 60_000);
});
