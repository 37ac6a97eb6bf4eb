import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeAudioFrame, type PacifyConfig, type Robot, type ServerMessage } from '@dhkit/protocol';
import { startServer, type RunningServer } from '../src/index.js';
import { buildRobot } from '../src/robots/robot.js';
import { OpenAiBrain } from '../src/adapters/brain/openai-brain.js';
import { FALLBACK_ANSWERS } from '../src/adapters/brain/fallback.js';
import { Turn, type TurnResult } from '../src/turn/turn.js';
import type { TextToSpeech } from '../src/adapters/tts/tts.js';
import { LocalServer, openAiStream, sleep } from './brain-servers.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let llm: LocalServer;
beforeAll(async () => {
  llm = await LocalServer.start();
});
afterAll(() => llm.close());

/** Turn logic only: a TTS that yields one short chunk per clause. */
const fakeTts: TextToSpeech = {
  sampleRate: 16000,
  async *synthesize(_text, _voice, signal) {
    await sleep(5);
    if (!signal.aborted) yield new Uint8Array(320);
  },
  async close() {},
};

const robot: Robot = buildRobot({ id: 'shop', name: 'Shop', languages: ['zh_CN', 'en_US'] });
const PACIFY: PacifyConfig = { enabled: true, triggerMs: 150, phrases: { en_US: ['One moment.'], zh_CN: ['请稍等。'] } };

function runTurn(options: {
  tokens: string[];
  firstDelayMs?: number;
  gapMs?: number;
  pacify?: PacifyConfig;
  maxAnswerChars?: number;
  interruptAfterMs?: number;
}) {
  llm.handler = openAiStream(options.tokens, { firstDelayMs: options.firstDelayMs, gapMs: options.gapMs });
  const trace: Array<ServerMessage | { type: 'audio'; clauseId: number }> = [];
  let result: TurnResult | null = null;
  const turn = new Turn({
    chatId: 'chat-0001',
    kind: 'answer',
    language: 'en_US',
    sink: {
      sendMessage: (m) => trace.push(m),
      sendBinary: (frame) => trace.push({ type: 'audio', clauseId: decodeAudioFrame(frame)!.header.clauseId }),
    },
    tts: fakeTts,
    voiceFor: () => 'en-us',
    fallbackAnswer: (language) => FALLBACK_ANSWERS[language],
    pacify: options.pacify,
    maxAnswerChars: options.maxAnswerChars,
    onFinished: (r) => (result = r),
  });
  const brain = new OpenAiBrain({ type: 'openai', baseUrl: llm.url, model: 'm', timeoutMs: 1000 });
  if (options.interruptAfterMs !== undefined) setTimeout(() => turn.interrupt(), options.interruptAfterMs);
  return turn.run(brain.answer('q', { language: 'en_US', robot, signal: turn.signal })).then(() => ({ trace, result: result! }));
}

const semantics = (trace: any[]) =>
  trace
    .filter((m) => m.type === 'semantic')
    .map((m) => m.text)
    .join('');

describe('turn pipeline with an LLM brain', () => {
  it('speaks a pacify phrase when the brain is slow, as a filler speech without semantic, before the answer', async () => {
    const { trace, result } = await runTurn({ tokens: ['Here it is. ', 'Done.'], firstDelayMs: 400, pacify: PACIFY });
    const speeches = trace.filter((m: any) => m.type === 'speech') as any[];
    expect(speeches[0]).toMatchObject({ text: 'One moment.', filler: true, clauseId: 0 });
    expect(speeches.slice(1).every((s) => !s.filler)).toBe(true);
    expect(semantics(trace)).toBe('Here it is. Done.');
    // The answer's first speech comes after the filler's last audio frame: no overlap.
    const fillerAudio = trace.map((m: any, i) => (m.type === 'audio' && m.clauseId === 0 ? i : -1)).filter((i) => i >= 0);
    expect(trace.indexOf(speeches[1])).toBeGreaterThan(Math.max(...fillerAudio));
    expect(result).toMatchObject({ reason: 'completed', pacified: true, text: 'Here it is. Done.' });
  });

  it('never pacifies when the answer comes first', async () => {
    const { trace, result } = await runTurn({ tokens: ['Quick! ', 'Answer.'], firstDelayMs: 0, gapMs: 300, pacify: PACIFY });
    expect(trace.some((m: any) => m.type === 'speech' && m.filler)).toBe(false);
    expect(result.pacified).toBe(false);
  });

  it('speaks the fallback answer and sends BRAIN_TIMEOUT when the LLM never answers', async () => {
    const { trace, result } = await runTurn({ tokens: ['late'], firstDelayMs: 5000 });
    expect(trace.find((m: any) => m.type === 'error')).toMatchObject({ code: 'BRAIN_TIMEOUT', chatId: 'chat-0001' });
    expect(semantics(trace)).toBe(FALLBACK_ANSWERS.en_US);
    expect(trace.some((m: any) => m.type === 'audio')).toBe(true);
    expect(trace.at(-1)).toMatchObject({ type: 'turnEnd', reason: 'completed' });
    expect(result).toMatchObject({ brainError: 'BRAIN_TIMEOUT', answered: false });
  }, 10_000);

  it('cuts an endless answer at the maximum length and closes the LLM request', async () => {
    const { trace } = await runTurn({ tokens: Array.from({ length: 500 }, () => 'and on, '), gapMs: 1, maxAnswerChars: 200 });
    expect(trace.find((m: any) => m.type === 'error')).toMatchObject({ code: 'BRAIN_UNAVAILABLE' });
    expect(semantics(trace).length).toBeLessThanOrEqual(220);
    const request = llm.requests.at(-1)!;
    await request.closed;
    expect(request.abortedByClient()).toBe(true);
  });

  it('on interrupt: the LLM request is aborted and nothing of the answer follows turnEnd', async () => {
    const { trace } = await runTurn({ tokens: ['First. ', 'Second. ', 'Third.'], gapMs: 200, interruptAfterMs: 100 });
    const end = trace.findIndex((m: any) => m.type === 'turnEnd');
    expect(trace[end]).toMatchObject({ reason: 'interrupted' });
    expect(end).toBe(trace.length - 1);
    const request = llm.requests.at(-1)!;
    await request.closed;
    expect(request.abortedByClient()).toBe(true);
    expect(semantics(trace)).not.toContain('Third');
  });
});

/**
 * Creates a robot through the admin API, admits a session and opens its channel with a `ws` client.
 * `messages` collects every text message; `onAudio` sees every audio frame's PCM.
 */
async function openRobotChannel(server: RunningServer, robot: Record<string, unknown>, onAudio?: (pcm: Uint8Array) => void) {
  const created = await fetch(`${server.url}/v1/robots`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(robot),
  });
  expect(created.status).toBe(201);
  const code = await (await fetch(`${server.url}/v1/robots/${robot.id}/once-codes`, { method: 'POST', headers: ADMIN })).json();
  const info = await (
    await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ robotId: robot.id, onceCode: code.onceCode }),
    })
  ).json();
  const socket = new WebSocket(server.url.replace('http', 'ws') + info.channelPath);
  const messages: ServerMessage[] = [];
  socket.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) return void messages.push(JSON.parse(data.toString()));
    onAudio?.(decodeAudioFrame(new Uint8Array(data))!.pcm);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'hello', token: info.token, protocol: 1 }));
  const waitFor = async (found: () => boolean) => {
    for (let i = 0; i < 200 && !found(); i++) await sleep(25);
  };
  const turnEnd = (chatId: string) => waitFor(() => messages.some((m) => m.type === 'turnEnd' && m.chatId === chatId));
  return { info, socket, messages, waitFor, turnEnd };
}

describe('a robot with an openai brain over the channel (real espeak-ng)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: false, logLevel: 'silent' });
  });
  afterAll(() => server.close());

  it('speaks the streamed answer, keeps history, and survives a brain fault with the fallback', async () => {
    let audioPeak = 0;
    const { info, socket, messages, turnEnd } = await openRobotChannel(
      server,
      {
        id: 'llm',
        name: 'LLM',
        languages: ['en_US'],
        brain: { type: 'openai', baseUrl: llm.url, model: 'm', apiKey: 'sk-secret-abcdef123456', timeoutMs: 500 },
      },
      (pcm) => {
        const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
        for (let i = 0; i + 1 < pcm.length; i += 2) audioPeak = Math.max(audioPeak, Math.abs(view.getInt16(i, true)));
      },
    );
    expect(JSON.stringify(info)).not.toContain('sk-secret');
    const text = (chatId: string) =>
      messages
        .filter((m): m is Extract<ServerMessage, { type: 'semantic' }> => m.type === 'semantic' && m.chatId === chatId)
        .map((m) => m.text)
        .join('');

    llm.handler = openAiStream(['Hello! ', 'I am a model. ', '![pic](https://x.example/p.png)'], { gapMs: 20 });
    socket.send(JSON.stringify({ type: 'question', chatId: 'chat-one-1', text: 'Hi there' }));
    await turnEnd('chat-one-1');
    expect(text('chat-one-1')).toBe('Hello! I am a model. ![pic](https://x.example/p.png)');
    expect(
      messages
        .filter((m) => m.type === 'speech')
        .map((m: any) => m.text)
        .join(' '),
    ).not.toMatch(/https|png|pic/);
    expect(audioPeak).toBeGreaterThan(1000);

    llm.handler = (_req, res) => res.writeHead(500).end();
    socket.send(JSON.stringify({ type: 'question', chatId: 'chat-two-2', text: 'And now?' }));
    await turnEnd('chat-two-2');
    expect(messages.find((m) => m.type === 'error' && m.chatId === 'chat-two-2')).toMatchObject({ code: 'BRAIN_UNAVAILABLE' });
    expect(text('chat-two-2')).toBe(FALLBACK_ANSWERS.en_US);
    // The history of the first turn went to the LLM with the second question.
    expect(llm.requests.at(-1)!.json.messages.slice(1)).toEqual([
      { role: 'user', content: 'Hi there' },
      { role: 'assistant', content: 'Hello! I am a model. ![pic](https://x.example/p.png)' },
      { role: 'user', content: 'And now?' },
    ]);

    llm.handler = openAiStream(['Still here.']);
    socket.send(JSON.stringify({ type: 'question', chatId: 'chat-three-3', text: 'Still there?' }));
    await turnEnd('chat-three-3');
    expect(text('chat-three-3')).toBe('Still here.');
    socket.close();
  });
});

describe('a robot with a webhook brain over the channel', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: false, logLevel: 'silent' });
  });
  afterAll(() => server.close());

  it("passes the page's extendParam to the webhook untouched, and refuses malformed ones", async () => {
    const { socket, messages, waitFor, turnEnd } = await openRobotChannel(server, {
      id: 'hooked',
      name: 'Hooked',
      languages: ['en_US'],
      brain: { type: 'webhook', url: `${llm.url}/hook`, secret: 'whsec_0123456789abcdef', timeoutMs: 1000 },
    });

    llm.handler = (_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ answer: 'Welcome back, gold member.' }));
    const extendParam = { tier: 'gold', page: '/loans', nested: { ids: [1, 2] } };
    socket.send(JSON.stringify({ type: 'question', chatId: 'chat-hook-1', text: 'Any offers?', extendParam }));
    await turnEnd('chat-hook-1');
    expect(llm.requests.at(-1)!.json).toMatchObject({ question: 'Any offers?', extendParam, chatId: 'chat-hook-1', robotId: 'hooked' });

    socket.send(JSON.stringify({ type: 'question', chatId: 'chat-hook-2', text: 'Plain?' }));
    await turnEnd('chat-hook-2');
    expect(llm.requests.at(-1)!.json.extendParam).toBeNull();

    const seen = llm.requests.length;
    for (const bad of [[1, 2], 'tier=gold', { blob: 'x'.repeat(5000) }]) {
      socket.send(JSON.stringify({ type: 'question', chatId: 'chat-hook-3', text: 'Bad?', extendParam: bad }));
    }
    await waitFor(() => messages.filter((m) => m.type === 'error' && m.code === 'INVALID_REQUEST').length === 3);
    expect(messages.filter((m) => m.type === 'error' && m.code === 'INVALID_REQUEST')).toHaveLength(3);
    expect(llm.requests.length).toBe(seen);
    socket.close();
  });
});
