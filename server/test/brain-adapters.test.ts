import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAiBrainConfig, Robot, WebhookBrainConfig } from '@dhkit/protocol';
import { buildRobot } from '../src/robots/robot.js';
import { BrainError, type Brain, type BrainChunk } from '../src/adapters/brain/brain.js';
import { maskBrainSecrets, maskSecret, restoreMaskedSecrets } from '../src/robots/robot-secrets.js';
import { KnowledgeBrain } from '../src/adapters/brain/knowledge-brain.js';
import { OpenAiBrain } from '../src/adapters/brain/openai-brain.js';
import { EVENTS_PER_LOOP_TURN, SseScanner, readSseData } from '../src/adapters/brain/sse.js';
import { SIGNATURE_HEADER, WebhookBrain, signWebhookBody, verifyWebhookSignature } from '../src/adapters/brain/webhook-brain.js';
import { DEMO_KNOWLEDGE } from '../src/robots/demo-knowledge.js';
import { LocalServer, openAiEvent, openAiStream, sleep } from './brain-servers.js';

let llm: LocalServer;
beforeAll(async () => {
  llm = await LocalServer.start();
});
afterAll(() => llm.close());
afterEach(() => {
  llm.requests.length = 0;
});

const robot: Robot = buildRobot({ id: 'shop', name: 'Shop', languages: ['zh_CN', 'en_US'] });
const SECRET = 'whsec-0123456789abcdef';

function openAi(extra: Partial<OpenAiBrainConfig> = {}): OpenAiBrainConfig {
  return { type: 'openai', baseUrl: `${llm.url}/v1`, model: 'test-model', apiKey: 'sk-test-abcdef123456', timeoutMs: 1000, ...extra };
}
function webhook(extra: Partial<WebhookBrainConfig> = {}): WebhookBrainConfig {
  return { type: 'webhook', url: `${llm.url}/hook`, secret: SECRET, timeoutMs: 1000, ...extra };
}

async function collect(brain: Brain, question = 'What can you do?', signal = new AbortController().signal, history = [] as any[]) {
  const chunks: BrainChunk[] = [];
  let error: unknown = null;
  try {
    for await (const chunk of brain.answer(question, { language: 'en_US', robot, signal, sessionId: 's1', chatId: 'chat-0001', history }))
      chunks.push(chunk);
  } catch (e) {
    error = e;
  }
  return { text: chunks.map((c) => c.text).join(''), chunks, error: error as BrainError | null };
}

describe('SSE parsing', () => {
  it('survives events split at every byte, CRLF line ends, comments and multi-byte characters', async () => {
    const wire = ': keep-alive\r\n\r\ndata: {"text":"你好，"}\r\n\r\ndata: {"text":"world"}\n\ndata: [DONE]\n\n';
    const bytes = new TextEncoder().encode(wire);
    async function* oneByOne() {
      for (const byte of bytes) yield new Uint8Array([byte]);
    }
    const events = [];
    for await (const data of readSseData(oneByOne())) events.push(data);
    expect(events).toEqual(['{"text":"你好，"}', '{"text":"world"}', '[DONE]']);
  });

  it('examines each character once, however a long line is split', () => {
    // The old reader rescanned the received part of a line with every chunk: quadratic in the line's length.
    const scanner = new SseScanner();
    const value = 'x'.repeat(200_000);
    const wire = `data: ${value}\n\n`;
    const events: string[] = [];
    for (let at = 0; at < wire.length; at += 1000) events.push(...scanner.push(wire.slice(at, at + 1000)));
    events.push(...scanner.push('', true));
    expect(events).toEqual([value]);
    expect(scanner.scannedChars).toBe(wire.length);
  });

  it('gives the event loop a turn every few events, even when the whole stream arrives in one chunk', async () => {
    // 1,000 events read in one run of microtasks held the loop (and every other visitor) for the whole answer.
    const wire = new TextEncoder().encode(`${'data: {"text":"["}\n\n'.repeat(1000)}data: [DONE]\n\n`);
    async function* oneChunk() {
      yield wire;
    }
    let loopTurns = 0;
    let ticking = true;
    const tick = () => {
      loopTurns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    let events = 0;
    for await (const _data of readSseData(oneChunk())) events++;
    ticking = false;
    expect(events).toBe(1001);
    expect(loopTurns).toBeGreaterThanOrEqual(Math.floor(1001 / EVENTS_PER_LOOP_TURN) - 1);
  });
});

describe('OpenAiBrain against a local OpenAI-compatible server', () => {
  it('streams tokens, sends the key as Bearer, the model, stream:true, history and knowledge context', async () => {
    llm.handler = openAiStream(['Sure! ', 'I can ', 'help.']);
    const knowledge = new KnowledgeBrain({
      loadEntries: async () => DEMO_KNOWLEDGE.map((e) => ({ ...e, similarQuestions: e.similarQuestions ?? [] })),
    });
    const brain = new OpenAiBrain(openAi({ useKnowledge: true, historyTurns: 1 }), { knowledge });
    const history = [
      { role: 'user', content: 'old question' },
      { role: 'assistant', content: 'old answer' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello!' },
    ];
    const { text, chunks, error } = await collect(brain, 'Where is the showroom?', undefined, history);
    expect(error).toBeNull();
    expect(text).toBe('Sure! I can help.');
    expect(chunks.map((c) => c.text)).toEqual(['Sure! ', 'I can ', 'help.']);
    expect(chunks[0].language).toBe('en_US');
    const [request] = llm.requests;
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test-abcdef123456');
    expect(request.json).toMatchObject({ model: 'test-model', stream: true });
    const messages = request.json.messages;
    expect(messages[0].role).toBe('system');
    expect(messages[0].content).toContain('Riverside Road'); // the showroom entry as context
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Where is the showroom?' },
    ]);
  });

  it.each([500, 429, 401])('turns HTTP %i into BRAIN_UNAVAILABLE without leaking the key', async (status) => {
    llm.handler = (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":{"message":"nope"}}');
    const { error } = await collect(new OpenAiBrain(openAi()));
    expect(error).toBeInstanceOf(BrainError);
    expect(error!.code).toBe('BRAIN_UNAVAILABLE');
    expect(error!.message).toContain(String(status));
    expect(error!.message).not.toContain('sk-test');
  });

  it('refuses a malformed stream event', async () => {
    llm.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(openAiEvent('Hello '));
      res.end('data: {"choices": [ this is not json\n\n');
    };
    const { text, error } = await collect(new OpenAiBrain(openAi()));
    expect(text).toBe('Hello ');
    expect(error?.code).toBe('BRAIN_UNAVAILABLE');
  });

  it('times out when the first token is too slow, and closes the request', async () => {
    llm.handler = openAiStream(['late'], { firstDelayMs: 2000 });
    const started = performance.now();
    const { error } = await collect(new OpenAiBrain(openAi({ timeoutMs: 200 })));
    expect(error?.code).toBe('BRAIN_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1500);
    await llm.requests[0].closed;
    expect(llm.requests[0].abortedByClient()).toBe(true);
  });

  it('reports a connection dropped mid-stream', async () => {
    llm.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(openAiEvent('Half an '));
      setTimeout(() => res.socket?.destroy(), 30);
    };
    const { text, error } = await collect(new OpenAiBrain(openAi()));
    expect(text).toBe('Half an ');
    expect(error?.code).toBe('BRAIN_UNAVAILABLE');
  });

  it('reports a stream that ends without [DONE] or a finish reason', async () => {
    llm.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(openAiEvent('Cut'));
    };
    expect((await collect(new OpenAiBrain(openAi()))).error?.code).toBe('BRAIN_UNAVAILABLE');
  });

  it('cuts a never-ending stream at the maximum duration', async () => {
    llm.handler = async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      while (!res.destroyed) {
        res.write(openAiEvent('la '));
        await sleep(10);
      }
    };
    const { text, error } = await collect(new OpenAiBrain(openAi(), { maxDurationMs: 300 }));
    expect(error?.code).toBe('BRAIN_UNAVAILABLE');
    expect(text.length).toBeGreaterThan(0);
    await llm.requests[0].closed;
  });

  it('aborts the HTTP request when the turn is interrupted', async () => {
    llm.handler = openAiStream(['one ', 'two ', 'three'], { gapMs: 300 });
    const controller = new AbortController();
    const brain = new OpenAiBrain(openAi());
    const chunks: string[] = [];
    for await (const chunk of brain.answer('q', { language: 'en_US', robot, signal: controller.signal })) {
      chunks.push(chunk.text);
      controller.abort();
    }
    expect(chunks).toEqual(['one ']);
    await llm.requests[0].closed;
    expect(llm.requests[0].abortedByClient()).toBe(true);
  });

  it('accepts a server that ignores stream:true and answers with one JSON completion', async () => {
    llm.handler = (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Whole answer.' } }] }));
    expect((await collect(new OpenAiBrain(openAi()))).text).toBe('Whole answer.');
  });
});

describe('WebhookBrain against a local endpoint', () => {
  const verifying = (reply: (res: import('node:http').ServerResponse) => void) => (req: any, res: any) => {
    if (!verifyWebhookSignature(SECRET, req.headers[SIGNATURE_HEADER.toLowerCase()], req.body)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
      return;
    }
    reply(res);
  };

  it('POSTs the signed question and reads a JSON {answer}', async () => {
    llm.handler = verifying((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"answer":"From your own brain."}'));
    const history = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello!' },
    ];
    const { text, error } = await collect(new WebhookBrain(webhook()), 'What can you do?', undefined, history);
    expect(error).toBeNull();
    expect(text).toBe('From your own brain.');
    const [request] = llm.requests;
    expect(request.json).toEqual({
      sessionId: 's1',
      chatId: 'chat-0001',
      robotId: 'shop',
      language: 'en_US',
      question: 'What can you do?',
      history,
      extendParam: null,
    });
    expect(request.headers[SIGNATURE_HEADER.toLowerCase()]).toMatch(/^t=\d{13},v1=[0-9a-f]{64}$/);
  });

  it('reads an SSE reply of {"text"} frames ending with [DONE]', async () => {
    llm.handler = verifying((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"text":"流式"}\n\ndata: {"text":"回答。"}\n\ndata: [DONE]\n\n');
    });
    expect((await collect(new WebhookBrain(webhook()))).text).toBe('流式回答。');
  });

  it('a wrong secret is refused by the endpoint (401) → BRAIN_UNAVAILABLE', async () => {
    llm.handler = verifying((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"answer":"no"}'));
    const { error } = await collect(new WebhookBrain(webhook({ secret: 'wrong-secret-0123456789' })));
    expect(error?.code).toBe('BRAIN_UNAVAILABLE');
    expect(error?.message).toContain('401');
  });

  it('refuses replies without a string answer, and slow replies time out', async () => {
    llm.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"reply":"x"}');
    expect((await collect(new WebhookBrain(webhook()))).error?.code).toBe('BRAIN_UNAVAILABLE');
    llm.handler = async (_req, res) => {
      await sleep(1500);
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{"answer":"late"}');
    };
    expect((await collect(new WebhookBrain(webhook({ timeoutMs: 200 })))).error?.code).toBe('BRAIN_TIMEOUT');
  });

  it('verifies signatures: tampered bodies, other secrets and stale timestamps fail', () => {
    const body = '{"question":"hi"}';
    const header = signWebhookBody(SECRET, body, 1_700_000_000_000);
    expect(verifyWebhookSignature(SECRET, header, body, 60_000, 1_700_000_010_000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, `${body} `, 60_000, 1_700_000_010_000)).toBe(false);
    expect(verifyWebhookSignature('other-secret-0123456', header, body, 60_000, 1_700_000_010_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, body, 60_000, 1_700_001_000_000)).toBe(false);
  });
});

describe('brain secrets in admin answers', () => {
  it('are masked, and a masked value sent back keeps the stored secret', () => {
    expect(maskSecret('sk-proj-abcdef123456')).toBe('sk-…3456');
    const stored = openAi();
    const masked = maskBrainSecrets(stored) as OpenAiBrainConfig;
    expect(masked.apiKey).toBe('sk-…3456');
    expect(restoreMaskedSecrets({ ...masked, model: 'other' }, stored)).toMatchObject({ apiKey: stored.apiKey, model: 'other' });
    expect((maskBrainSecrets(webhook()) as WebhookBrainConfig).secret).not.toContain('0123456789');
  });
});
