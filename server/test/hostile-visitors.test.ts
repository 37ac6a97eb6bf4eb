// Hostile visitors on loopback: floods, forged headers and slow readers engage their protections (codes,
// closes, bounded queues) while another visitor keeps being answered. Loops are bounded; nothing leaves the host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { LocalServer, openAiStream, sleep } from './brain-servers.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

let server: RunningServer;
let llm: LocalServer;

async function createRobot(robot: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.url}/v1/robots`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(robot),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  llm = await LocalServer.start();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: true, logLevel: 'error' });
  await createRobot({ id: 'llm', name: 'LLM', concurrency: 10, brain: { type: 'openai', baseUrl: llm.url, model: 'm', timeoutMs: 2000 } });
  await createRobot({ id: 'open', name: 'Open', concurrency: 10, rateLimits: { questions: { burst: 1000, perMinute: 6000 } } });
  await createRobot({ id: 'cap', name: 'Cap', concurrency: 10, rateLimits: { questions: { burst: 1000, perMinute: 6000 } } });
  await createRobot({
    id: 'few-utterances',
    name: 'Few utterances',
    concurrency: 10,
    rateLimits: { utterances: { burst: 2, perMinute: 1 } },
  });
});
afterAll(async () => {
  await server.close();
  await llm.close();
});

describe('a question flood on one socket', () => {
  it('is refused with RATE_LIMITED past the burst, starts no LLM call storm, and another visitor is answered', async () => {
    llm.handler = openAiStream(['An answer. ', 'Done.'], { gapMs: 20 });
    const flooder = await Visitor.admit(server.url, 'llm');
    const calm = await Visitor.admit(server.url, 'demo');
    const before = llm.requests.length;
    for (let i = 0; i < 150; i++) flooder.send({ type: 'question', chatId: `flood-${String(i).padStart(4, '0')}`, text: `question ${i}?` });
    await flooder.until((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
    expect(await calm.ask('你好')).toBeLessThan(5000);
    await sleep(300);
    const limited = flooder.messages.filter((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
    const started = flooder.messages.filter((m) => m.type === 'turnStart');
    // Default: a burst of 20 questions (plus what refills meanwhile); the rest are refused, each by its chatId.
    expect(started.length).toBeLessThanOrEqual(25);
    expect(limited.length).toBeGreaterThanOrEqual(125);
    expect(limited.every((m) => 'chatId' in m && String(m.chatId).startsWith('flood-'))).toBe(true);
    expect(llm.requests.length - before).toBeLessThanOrEqual(25);
    flooder.close();
    calm.close();
  }, 30_000);

  it("follows the robot's own rateLimits", async () => {
    const visitor = await Visitor.admit(server.url, 'open');
    for (let i = 0; i < 30; i++) visitor.send({ type: 'question', chatId: `own-limit-${i}`, text: '你好' });
    await visitor.until((m) => m.type === 'turnEnd' && m.chatId === 'own-limit-29');
    expect(visitor.messages.some((m) => m.type === 'error' && m.code === 'RATE_LIMITED')).toBe(false);
    visitor.close();
  }, 30_000);

  it('a flood of any messages ends the session with RATE_LIMITED and close 4010', async () => {
    const flooder = await Visitor.admit(server.url, 'demo');
    for (let i = 0; i < 1000 && flooder.socket.readyState === 1; i++) flooder.send({ type: 'ping', t: i });
    const closed = await flooder.closed;
    expect(closed.code).toBe(4010);
    expect(flooder.messages.some((m) => m.type === 'error' && m.code === 'RATE_LIMITED')).toBe(true);
    expect(flooder.messages.filter((m) => m.type === 'pong').length).toBeLessThanOrEqual(260);
  }, 30_000);
});

describe('a flood of driven texts on one socket', () => {
  it('each piece that opens a new turn takes a question token; pieces of the open turn do not', async () => {
    // A new driven turn interrupts the running one and starts speech, as a question does: 30 of them at once are
    // held to the question burst (20), although 30 pieces are well inside the driven-text burst (100).
    const flooder = await Visitor.admit(server.url, 'demo');
    for (let i = 0; i < 30; i++) {
      flooder.send({ type: 'drivenText', chatId: `new-turn-${String(i).padStart(4, '0')}`, text: `Announcement ${i}.`, isLast: true });
    }
    // The channel answers frames in order: the pong comes after every piece was taken or refused.
    flooder.send({ type: 'ping', t: 1 });
    await flooder.until((m) => m.type === 'pong');
    const limited = flooder.messages.filter((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(flooder.messages.filter((m) => m.type === 'turnStart').length).toBeLessThanOrEqual(25);
    flooder.close();

    const streamer = await Visitor.admit(server.url, 'demo');
    for (let i = 0; i < 60; i++) {
      streamer.send({ type: 'drivenText', chatId: 'one-driven-turn', text: `Piece ${i} of a long text. `, isLast: i === 59 });
    }
    streamer.send({ type: 'ping', t: 2 });
    await streamer.until((m) => m.type === 'pong');
    expect(streamer.messages.some((m) => m.type === 'error' && m.code === 'RATE_LIMITED')).toBe(false);
    expect(streamer.messages.filter((m) => m.type === 'turnStart')).toHaveLength(1);
    streamer.close();
  }, 60_000);
});

describe('a flood of voice utterances on one socket', () => {
  it("refuses audioStart past the robot's utterance bucket with RATE_LIMITED and its chatId", async () => {
    const talker = await Visitor.admit(server.url, 'few-utterances');
    for (let i = 0; i < 5; i++) {
      talker.send({ type: 'audioStart', chatId: `utterance-${i}`, sampleRate: 16000, encoding: 'pcm_s16le' });
      talker.send({ type: 'audioCancel', chatId: `utterance-${i}` });
    }
    // Frames are answered in order: the pong comes after every utterance was taken or refused.
    talker.send({ type: 'ping', t: 1 });
    await talker.until((m) => m.type === 'pong');
    const limited = talker.messages.filter((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
    // Burst 2, one more a minute: the first two are taken, the other three refused, the session stays.
    expect(limited.map((m) => (m as { chatId?: string }).chatId)).toEqual(['utterance-2', 'utterance-3', 'utterance-4']);
    expect(talker.socket.readyState).toBe(1);
    talker.close();
  }, 30_000);
});

describe('analytics of one session', () => {
  it('stops at the per-session cap of rows', async () => {
    const visitor = await Visitor.admit(server.url, 'cap');
    // In two rounds: 240 at once would trip the frame limit (that test is above).
    for (let i = 0; i < 240; i++) {
      if (i === 150) await sleep(2500);
      visitor.send({ type: 'question', chatId: `analytics-${i}`, text: 'hi' });
    }
    await visitor.until((m) => m.type === 'turnEnd' && m.chatId === 'analytics-239', 30_000);
    await sleep(500);
    const analytics = await (await fetch(`${server.url}/v1/robots/cap/analytics`, { headers: ADMIN })).json();
    expect(analytics.totals.questions).toBe(200);
    visitor.close();
  }, 60_000);
});

describe('static path variants', () => {
  it.each([
    '/demo/./index.html',
    '/demo/x/../index.html',
    '/demo//index.html',
    '/demo/%2e/index.html',
    '/demo/.//index.html',
    '/demo/index.html',
  ])('%s is refused or served with the page CSP', async (url) => {
    const response = await fetch(server.url + url, { redirect: 'manual' });
    const body = await response.text();
    if (response.status === 200 && /<html|<!doctype/i.test(body)) {
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    } else {
      expect(response.status).toBeGreaterThanOrEqual(300);
      expect(response.status).toBeLessThan(500);
    }
  });
});
