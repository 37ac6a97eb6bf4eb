// A knowledge robot with an LLM (brain.llm) against a local OpenAI-compatible server: the LLM answers from
// the retrieved entries only, retrieval's "fallback" never reaches it, its NO_ANSWER becomes "did you mean",
// and a slow, broken or malformed LLM gives way to the plain knowledge answer. Over HTTP and the channel:
// the key is masked in admin answers and the streamed answer reaches the visitor.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBrainConfig, KnowledgeLlmConfig, Robot } from '@dhkit/protocol';
import { buildRobot } from '../src/robots/robot.js';
import type { Brain, BrainChunk } from '../src/adapters/brain/brain.js';
import { FALLBACK_ANSWERS } from '../src/adapters/brain/fallback.js';
import { GroundedKnowledgeBrain, NO_ANSWER_MARK, type GroundingFallback } from '../src/adapters/brain/grounded-knowledge-brain.js';
import { KnowledgeBrain } from '../src/adapters/brain/knowledge-brain.js';
import { maskBrainSecrets, restoreMaskedSecrets } from '../src/robots/robot-secrets.js';
import { startServer, type RunningServer } from '../src/index.js';
import { LocalServer, openAiEvent, openAiStream } from './brain-servers.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

const MAP = '![Map of the car park](https://cdn.example/parking.png)';
const ENTRIES = [
  {
    id: 1,
    question: 'Where can I park?',
    similarQuestions: ['parking'],
    answer: `Park at the north gate. ${MAP}`,
    language: 'en_US' as const,
  },
  {
    id: 2,
    question: 'When does the museum open?',
    similarQuestions: ['opening hours'],
    answer: 'We open at nine.',
    language: 'en_US' as const,
  },
];
const API_KEY = 'sk-grounded-abcdef123456';

let llm: LocalServer;
beforeAll(async () => {
  llm = await LocalServer.start();
});
afterAll(() => llm.close());
afterEach(() => {
  llm.requests.length = 0;
});

const knowledge = new KnowledgeBrain({ loadEntries: async () => ENTRIES });
const robot: Robot = buildRobot({ id: 'museum', name: 'Museum', languages: ['en_US'] });
const llmConfig = (extra: Partial<KnowledgeLlmConfig> = {}): KnowledgeLlmConfig => ({
  baseUrl: `${llm.url}/v1`,
  model: 'grounded-model',
  apiKey: API_KEY,
  firstTokenTimeoutMs: 1000,
  timeoutMs: 1000,
  ...extra,
});

async function ask(brain: Brain, question: string, signal = new AbortController().signal) {
  const chunks: BrainChunk[] = [];
  let error: any = null;
  const started = performance.now();
  try {
    for await (const chunk of brain.answer(question, { language: 'en_US', robot, signal })) chunks.push(chunk);
  } catch (e) {
    error = e;
  }
  return { text: chunks.map((c) => c.text).join(''), first: chunks[0], chunks, error, ms: performance.now() - started };
}

function grounded(extra: Partial<KnowledgeLlmConfig> = {}) {
  const fallbacks: GroundingFallback[] = [];
  return { brain: new GroundedKnowledgeBrain(llmConfig(extra), knowledge, (f) => fallbacks.push(f)), fallbacks };
}

describe('GroundedKnowledgeBrain', () => {
  it('streams the LLM answer grounded on the retrieved entries, media links in the prompt verbatim', async () => {
    llm.handler = openAiStream(['You can park ', 'at the north gate. ', MAP], { gapMs: 10 });
    const { brain, fallbacks } = grounded({ systemPrompt: 'You are Ada, the museum guide.' });
    const reply = await ask(brain, 'where do I put my car, is there parking?');
    expect(reply.error).toBeNull();
    expect(reply.text).toBe(`You can park at the north gate. ${MAP}`);
    expect(reply.chunks.map((c) => c.text)).toEqual(['You can park ', 'at the north gate. ', MAP]);
    expect(reply.first).toMatchObject({ answered: true, entryId: 1, language: 'en_US' });
    expect(reply.first.confidence).toBeGreaterThan(0);
    expect(fallbacks).toEqual([]);

    const [request] = llm.requests;
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.json).toMatchObject({ model: 'grounded-model', stream: true });
    const system = request.json.messages[0];
    expect(system.role).toBe('system');
    expect(system.content).toMatch(/^You are Ada, the museum guide\./);
    expect(system.content).toContain(`A: Park at the north gate. ${MAP}`);
    expect(system.content).toContain('using only the knowledge-base entries');
    expect(system.content).toContain(`reply with exactly ${NO_ANSWER_MARK}`);
    expect(request.json.messages.at(-1)).toEqual({ role: 'user', content: 'where do I put my car, is there parking?' });
  });

  it('does not call the LLM when retrieval declines: the fallback answer', async () => {
    llm.handler = openAiStream(['Lima is the capital of Peru.']);
    const reply = await ask(grounded().brain, 'what is the capital of Peru');
    expect(reply.text).toBe(FALLBACK_ANSWERS.en_US);
    expect(reply.first.answered).toBe(false);
    expect(llm.requests).toHaveLength(0);
  });

  it('turns the LLM’s NO_ANSWER (even split across tokens) into "did you mean" with the grounding entries', async () => {
    llm.handler = openAiStream(['NO_', 'ANS', 'WER']);
    const reply = await ask(grounded().brain, 'parking for a horse carriage');
    expect(reply.first).toMatchObject({ answered: false, suggestions: ['Where can I park?'], entryId: 1 });
    expect(reply.text).toMatch(/Did you mean "Where can I park"\?/);
    expect(reply.text).not.toContain(NO_ANSWER_MARK);
  });

  it('an answer that starts like the mark is still an answer', async () => {
    llm.handler = openAiStream(['NO', ', not on Sundays.']);
    const reply = await ask(grounded().brain, 'parking');
    expect(reply.text).toBe('NO, not on Sundays.');
    expect(reply.first.answered).toBe(true);
  });

  it('speaks the plain entry answer when the first token is too slow, and closes the LLM request', async () => {
    llm.handler = openAiStream(['late'], { firstDelayMs: 3000 });
    const { brain, fallbacks } = grounded({ firstTokenTimeoutMs: 200, timeoutMs: 5000 });
    const reply = await ask(brain, 'parking');
    expect(reply.error).toBeNull();
    expect(reply.text).toBe(ENTRIES[0].answer);
    expect(reply.first).toMatchObject({ answered: true, entryId: 1 });
    expect(reply.ms).toBeLessThan(2000);
    expect(fallbacks).toEqual([{ reason: 'timeout', timeoutMs: 200 }]);
    await llm.requests[0].closed;
    expect(llm.requests[0].abortedByClient()).toBe(true);
  });

  it.each([
    ['HTTP 500', (_req: unknown, res: any) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{}}')],
    [
      'a malformed first event',
      (_req: unknown, res: any) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"choices": [ oops\n\n'),
    ],
    [
      'an error event',
      (_req: unknown, res: any) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"error":{"message":"x"}}\n\n'),
    ],
    ['an empty answer', openAiStream([])],
    ['a dropped connection', (_req: unknown, res: any) => res.socket.destroy()],
  ])('speaks the plain entry answer when the LLM sends %s', async (_name, handler) => {
    llm.handler = handler as any;
    const { brain, fallbacks } = grounded();
    const reply = await ask(brain, 'parking');
    expect(reply.error).toBeNull();
    expect(reply.text).toBe(ENTRIES[0].answer);
    expect(fallbacks.map((f) => f.reason)).toEqual(['error']);
    expect(JSON.stringify(fallbacks.map((f) => (f.reason === 'error' ? String(f.error) : '')))).not.toContain(API_KEY);
  });

  it('a failure after the answer started ends the turn with the error (what was said stands)', async () => {
    llm.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(openAiEvent('Park at the '));
      setTimeout(() => res.socket?.destroy(), 30);
    };
    const reply = await ask(grounded().brain, 'parking');
    expect(reply.text).toBe('Park at the ');
    expect(reply.error?.code).toBe('BRAIN_UNAVAILABLE');
  });

  it('stops and closes the LLM request when the visitor interrupts', async () => {
    llm.handler = openAiStream(['one ', 'two ', 'three'], { gapMs: 300 });
    const controller = new AbortController();
    const texts: string[] = [];
    for await (const chunk of grounded().brain.answer('parking', { language: 'en_US', robot, signal: controller.signal })) {
      texts.push(chunk.text);
      controller.abort();
    }
    expect(texts).toEqual(['one ']);
    await llm.requests[0].closed;
    expect(llm.requests[0].abortedByClient()).toBe(true);
  });

  it('masks the LLM key in admin answers; a masked key is kept only for the same URL', () => {
    const stored: KnowledgeBrainConfig = { type: 'knowledge', llm: llmConfig() };
    const masked = maskBrainSecrets(stored) as KnowledgeBrainConfig;
    expect(masked.llm!.apiKey).toBe('sk-…3456');
    expect(JSON.stringify(masked)).not.toContain(API_KEY);
    const patched = restoreMaskedSecrets({ ...masked, llm: { ...masked.llm!, model: 'other' } }, stored) as KnowledgeBrainConfig;
    expect(patched.llm).toMatchObject({ apiKey: API_KEY, model: 'other' });
    expect(() => restoreMaskedSecrets({ ...masked, llm: { ...masked.llm!, baseUrl: 'https://elsewhere.example/v1' } }, stored)).toThrow(
      /enter the secret again/,
    );
  });
});

describe('a knowledge robot with an LLM over HTTP and the channel', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent' });
  });
  afterAll(() => server.close());
  const admin = (method: string, url: string, body?: unknown) =>
    fetch(server.url + url, { method, headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('masks the key, refuses a bad llm config, and streams the grounded answer to the visitor', async () => {
    const brain = { type: 'knowledge', llm: { baseUrl: `${llm.url}/v1`, model: 'm', apiKey: API_KEY, firstTokenTimeoutMs: 2000 } };
    const created = await admin('POST', '/v1/robots', { id: 'guide', name: 'Guide', languages: ['en_US'], brain });
    expect(created.status).toBe(201);
    const createdText = await created.text();
    expect(createdText).not.toContain(API_KEY);
    expect(JSON.parse(createdText).brain.llm.apiKey).toBe('sk-…3456');
    for (const llmPatch of [{ model: 'm' }, { baseUrl: 'ftp://x', model: 'm' }, { ...brain.llm, entries: 0 }, { ...brain.llm, extra: 1 }]) {
      const refused = await admin('PATCH', '/v1/robots/guide', { brain: { type: 'knowledge', llm: llmPatch } });
      expect(refused.status, JSON.stringify(llmPatch)).toBe(400);
    }
    const entries = ENTRIES.map(({ id: _id, ...entry }) => entry);
    expect((await admin('POST', '/v1/robots/guide/knowledge', { entries })).status).toBe(201);

    llm.handler = openAiStream(['Please park ', 'at the north gate.'], { gapMs: 10 });
    const visitor = await Visitor.admit(server.url, 'guide');
    try {
      expect(JSON.stringify(visitor.info)).not.toContain(API_KEY);
      visitor.send({ type: 'question', chatId: 'grounded-1', text: 'where is the parking' });
      await visitor.until((m) => m.type === 'turnEnd' && m.chatId === 'grounded-1');
      const said = visitor.messages.flatMap((m) => (m.type === 'semantic' && m.chatId === 'grounded-1' ? [m.text] : [])).join('');
      expect(said).toBe('Please park at the north gate.');
      expect(llm.requests.at(-1)!.json.messages[0].content).toContain(MAP);
    } finally {
      visitor.close();
    }
  });
});
