// A turn's audio goes out in step with its playback (plus a lead), not as fast as espeak-ng makes it: a visitor
// never needs speech much faster than it plays, and a client that asks for long speech (and reads slowly, or
// not at all) must not get it all synthesized at once on the cores every visitor shares.
import { decodeAudioFrame } from '@dhkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { sleep } from './brain-servers.js';
import { ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

const LEAD_MS = 2000;
const SAMPLE_RATE = 22050;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: tempDir(),
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: 'error',
    sessionTimeouts: { audioLeadMs: LEAD_MS },
  });
});
afterAll(() => server.close());

describe('a long driven text', () => {
  it('is sent no faster than it plays, plus the lead', async () => {
    const visitor = await Visitor.admit(server.url, 'demo');
    let firstAt: number | null = null;
    let receivedMs = 0;
    /** The most audio the visitor held beyond what had played since the first frame, minus the lead. */
    let mostAheadMs = Number.NEGATIVE_INFINITY;
    visitor.socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const now = performance.now();
      firstAt ??= now;
      receivedMs += (decodeAudioFrame(new Uint8Array(data))!.pcm.length / 2 / SAMPLE_RATE) * 1000;
      mostAheadMs = Math.max(mostAheadMs, receivedMs - (now - firstAt) - LEAD_MS);
    });
    const sentence = 'This sentence is long enough to be spoken for a while by the speech engine. ';
    // About two minutes of speech; unpaced, espeak-ng makes it in a few seconds.
    visitor.send({ type: 'drivenText', chatId: 'long-announcement', text: sentence.repeat(25), isLast: true });
    await visitor.untilAudio('long-announcement');
    await sleep(5000);
    // The first frame reaches the client a little after the server sent it (the pacer's clock starts there), and
    // a frame (100 ms) may go out at the mark: a late client only ever sees less.
    expect(mostAheadMs).toBeLessThan(1500);
    expect(visitor.messages.some((m) => m.type === 'turnEnd')).toBe(false);
    visitor.close();
  }, 30_000);
});
