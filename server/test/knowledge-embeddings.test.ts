// Semantic matching through an OpenAI-compatible embeddings endpoint (a local server speaking the
// /v1/embeddings wire format): the client checks every reply; the knowledge brain ranks the model's matches
// beside the lexical ones and falls back to the lexical ranking when the endpoint is slow, broken or answers
// nonsense; the robot setting is validated, its API key masked, and the search route shows the similarity.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KnowledgeEmbeddingsConfig, Robot } from '@dhkit/protocol';
import { KnowledgeBrain, type IndexableEntry } from '../src/adapters/brain/knowledge-brain.js';
import { EmbeddingsClient, EmbeddingsError } from '../src/adapters/brain/knowledge/embeddings-client.js';
import { buildRobot } from '../src/robots/robot.js';
import { startServer, type RunningServer } from '../src/index.js';
import { LocalServer, openAiEmbeddings, sleep } from './brain-servers.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

/**
 * The stub's "model": one dimension per concept (words that mean the same), plus a constant one so no text
 * is a zero vector. Texts about the same concept get a high cosine whatever words they use.
 */
const CONCEPTS = [
  ['coat', 'cloakroom', 'garderobe', 'jacket'],
  ['open', 'opening', 'hours', 'closed'],
  ['ticket', 'admission', 'entry fee'],
];
function conceptVector(text: string): number[] {
  const lower = text.toLowerCase();
  return [0.3, ...CONCEPTS.map((words) => (words.some((word) => lower.includes(word)) ? 1 : 0))];
}

const ENTRIES: IndexableEntry[] = [
  { id: 1, question: 'Where can I leave my coat?', answer: 'At the cloakroom by the entrance.', language: 'en_US' },
  { id: 2, question: 'When is the museum open?', answer: 'Tuesday to Sunday, 9 to 5.', language: 'en_US' },
  { id: 3, question: 'How much is a ticket?', answer: 'Twelve euros; children free.', language: 'en_US' },
];
/** Shares no word with any entry's question or answer: only the model can find entry 1. */
const PARAPHRASE = 'Is there a garderobe?';

let upstream: LocalServer;
beforeAll(async () => {
  upstream = await LocalServer.start();
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.requests.length = 0;
  upstream.handler = openAiEmbeddings(conceptVector);
});

const config = (extra: Partial<KnowledgeEmbeddingsConfig> = {}): KnowledgeEmbeddingsConfig => ({
  baseUrl: `${upstream.url}/v1`,
  model: 'stub-embed',
  apiKey: 'sk-embed-secret-1234567890',
  // Generous, as the test machine may be busy; the timeout tests set their own.
  timeoutMs: 3000,
  ...extra,
});
const robotWith = (embeddings?: KnowledgeEmbeddingsConfig): Robot =>
  buildRobot({ id: 'museum', name: 'Museum', languages: ['en_US'], brain: { type: 'knowledge', embeddings } });

function brainWithErrors() {
  const errors: string[] = [];
  const brain = new KnowledgeBrain({ loadEntries: async () => ENTRIES, onEmbeddingsError: (_id, error) => errors.push(error.message) });
  return { brain, errors };
}

describe('embeddings client', () => {
  it('sends the model, the texts and the key, and returns unit vectors in input order', async () => {
    upstream.handler = (req, res) => {
      // Out of order, with indexes, as the wire format allows.
      const data = (req.json.input as string[]).map((text, index) => ({ index, embedding: [text.length, 0, 0] })).reverse();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    };
    const vectors = await new EmbeddingsClient(config()).embedTexts(['a', 'bbb']);
    expect(vectors.map((v) => [...v])).toEqual([
      [1, 0, 0],
      [1, 0, 0],
    ]);
    expect(upstream.requests[0].url).toBe('/v1/embeddings');
    expect(upstream.requests[0].json).toEqual({ model: 'stub-embed', input: ['a', 'bbb'] });
    expect(upstream.requests[0].headers.authorization).toBe('Bearer sk-embed-secret-1234567890');
  });

  it('sends many texts in batches', async () => {
    const texts = Array.from({ length: 130 }, (_, i) => `text ${i} coat`);
    const vectors = await new EmbeddingsClient(config()).embedTexts(texts);
    expect(vectors).toHaveLength(130);
    expect(upstream.requests.map((r) => r.json.input.length)).toEqual([64, 64, 2]);
  });

  const badReplies: [string, (res: import('node:http').ServerResponse, input: string[]) => void][] = [
    ['an error status', (res) => res.writeHead(500).end('{"error":{"message":"down"}}')],
    ['malformed JSON', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [')],
    ['no data', (res) => res.writeHead(200).end('{"object":"list"}')],
    ['too few vectors', (res) => res.writeHead(200).end(JSON.stringify({ data: [{ index: 0, embedding: [1, 2] }] }))],
    [
      'strings for numbers',
      (res, input) => res.writeHead(200).end(JSON.stringify({ data: input.map((_, i) => ({ index: i, embedding: ['1', '2'] })) })),
    ],
    [
      'vectors of mixed length',
      (res, input) =>
        res.writeHead(200).end(JSON.stringify({ data: input.map((_, i) => ({ index: i, embedding: Array(i + 1).fill(1) })) })),
    ],
    [
      'a zero vector',
      (res, input) => res.writeHead(200).end(JSON.stringify({ data: input.map((_, i) => ({ index: i, embedding: [0, 0] })) })),
    ],
    [
      'duplicate indexes',
      (res, input) => res.writeHead(200).end(JSON.stringify({ data: input.map(() => ({ index: 0, embedding: [1, 0] })) })),
    ],
  ];
  for (const [what, send] of badReplies) {
    it(`refuses ${what} with an EmbeddingsError that shows no key`, async () => {
      upstream.handler = (req, res) => send(res, req.json.input);
      const error = await new EmbeddingsClient(config()).embedTexts(['one', 'two']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddingsError);
      expect((error as Error).message).not.toContain('sk-embed');
    });
  }

  it('gives up on a slow question after its timeout', async () => {
    upstream.handler = openAiEmbeddings(conceptVector, { delayMs: 2000 });
    const started = performance.now();
    await expect(new EmbeddingsClient(config({ timeoutMs: 200 })).embedQuestion('coat')).rejects.toThrow(/longer than 200 ms/);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('knowledge brain with embeddings', () => {
  it('answers a paraphrase that shares no word with the entry, which the lexical ranking declines', async () => {
    const { brain, errors } = brainWithErrors();
    expect((await brain.lookup(robotWith(), PARAPHRASE)).decision.kind).toBe('fallback');

    const robot = robotWith(config());
    expect(await brain.prepareEmbeddings(robot)).toBe('ready');
    const { decision, matches } = await brain.lookup(robot, PARAPHRASE);
    expect(decision.kind).toBe('answer');
    expect(decision.kind === 'answer' && decision.match.entry.id).toBe(1);
    expect(matches[0].similarity).toBeGreaterThan(0.9);
    expect(errors).toEqual([]);
    // One batch for the entries, then one request per question.
    expect(upstream.requests.map((r) => r.json.input.length)).toEqual([3, 1]);
  });

  it('keeps a word-for-word match and still declines an unrelated question', async () => {
    const { brain } = brainWithErrors();
    const robot = robotWith(config());
    await brain.prepareEmbeddings(robot);
    const exact = (await brain.lookup(robot, 'How much is a ticket?')).decision;
    expect(exact.kind === 'answer' && exact.match.entry.id).toBe(3);
    expect((await brain.lookup(robot, 'What is the capital of Peru?')).decision.kind).toBe('fallback');
  });

  it('answers lexically while the entries’ vectors are still coming', async () => {
    // The endpoint holds every answer until the lookup is done: the lookup must not wait for it (by order, not by
    // a clock, so a busy machine cannot fail it).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const answer = openAiEmbeddings(conceptVector);
    upstream.handler = async (req, res) => {
      await held;
      await answer(req, res);
    };
    const { brain } = brainWithErrors();
    const robot = robotWith(config());
    const first = await brain.lookup(robot, 'How much is a ticket?');
    release();
    expect(first.decision.kind).toBe('answer');
    expect(first.matches[0].similarity).toBeUndefined();
  });

  const failures: [string, () => void][] = [
    ['slow', () => (upstream.handler = openAiEmbeddings(conceptVector, { delayMs: 5000 }))],
    ['broken', () => (upstream.handler = (_req, res) => res.writeHead(503).end())],
    ['malformed', () => (upstream.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('not json'))],
    ['the connection closed', () => (upstream.handler = (_req, res) => res.destroy())],
    ['of another dimension', () => (upstream.handler = openAiEmbeddings(() => [1, 2]))],
  ];
  for (const [what, breakIt] of failures) {
    it(`falls back to the lexical ranking when the question's vector is ${what}, and reports it`, async () => {
      const { brain, errors } = brainWithErrors();
      const robot = robotWith(config({ timeoutMs: 400 }));
      await brain.prepareEmbeddings(robot);
      breakIt();
      const started = performance.now();
      const result = await brain.lookup(robot, 'How much is a ticket?');
      expect(performance.now() - started).toBeLessThan(2000);
      expect(result.decision.kind === 'answer' && result.decision.match.entry.id).toBe(3);
      expect(result.matches[0].similarity).toBeUndefined();
      expect(errors.length).toBe(1);
      expect((await brain.lookup(robot, PARAPHRASE)).decision.kind).toBe('fallback');
    });
  }

  it('answers lexically when the entries cannot be embedded, and tries again later', async () => {
    upstream.handler = (_req, res) => res.writeHead(500).end();
    const { brain, errors } = brainWithErrors();
    const robot = robotWith(config());
    expect(await brain.prepareEmbeddings(robot)).toBe('failed');
    expect(errors).toHaveLength(1);
    expect((await brain.lookup(robot, 'How much is a ticket?')).decision.kind).toBe('answer');
    await sleep(20);
    // Within the retry pause nothing is asked again.
    expect(upstream.requests.length).toBe(1);
  });
});

describe('embeddings robot setting over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: false, logLevel: 'silent' });
  });
  afterAll(() => server.close());

  const call = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(server.url + url, {
      method,
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.clone().text(), json: (await response.json().catch(() => null)) as any };
  };

  it('is validated, masks its key, keeps it for the same URL, and the search route shows the similarity', async () => {
    const embeddings = config();
    const created = await call('POST', '/v1/robots', {
      id: 'museum',
      name: 'Museum',
      languages: ['en_US'],
      brain: { type: 'knowledge', embeddings },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('sk-embed-secret');
    expect(created.json.brain.embeddings.apiKey).toBe('sk-…7890');

    expect((await call('POST', '/v1/robots/museum/knowledge', { entries: ENTRIES.map(({ id: _id, ...entry }) => entry) })).status).toBe(
      201,
    );
    // The import started the entries' vectors; the search route ranks with them once they are in.
    let reply = await call('POST', '/v1/robots/museum/knowledge/search', { question: PARAPHRASE });
    for (let i = 0; i < 50 && reply.json.decision !== 'answer'; i++) {
      await sleep(50);
      reply = await call('POST', '/v1/robots/museum/knowledge/search', { question: PARAPHRASE });
    }
    expect(reply.json.decision).toBe('answer');
    expect(reply.json.matches[0].question).toBe('Where can I leave my coat?');
    expect(reply.json.matches[0].similarity).toBeGreaterThan(0.9);
    expect(upstream.requests.every((r) => r.headers.authorization === 'Bearer sk-embed-secret-1234567890')).toBe(true);

    // The masked key sent back keeps the stored one; with another URL it must be entered again.
    const masked = { type: 'knowledge', embeddings: { ...embeddings, apiKey: 'sk-…7890', timeoutMs: 2500 } };
    expect((await call('PATCH', '/v1/robots/museum', { brain: masked })).status).toBe(200);
    upstream.requests.length = 0;
    // The entries' vectors come from the store now; the question's vector from the endpoint, with the kept key.
    let again = await call('POST', '/v1/robots/museum/knowledge/search', { question: PARAPHRASE });
    for (let i = 0; i < 50 && again.json.matches[0]?.similarity === undefined; i++) {
      await sleep(50);
      again = await call('POST', '/v1/robots/museum/knowledge/search', { question: PARAPHRASE });
    }
    expect(again.json.decision).toBe('answer');
    expect(upstream.requests.map((r) => r.json.input)).toEqual([[PARAPHRASE]]);
    expect(upstream.requests.every((r) => r.headers.authorization === 'Bearer sk-embed-secret-1234567890')).toBe(true);
    const moved = await call('PATCH', '/v1/robots/museum', {
      brain: { type: 'knowledge', embeddings: { ...masked.embeddings, baseUrl: 'https://elsewhere.example/v1' } },
    });
    expect(moved.status).toBe(400);
    expect(moved.json.error.code).toBe('INVALID_REQUEST');

    const bad = [
      { baseUrl: 'ftp://x', model: 'm' },
      { baseUrl: 'https://user:pass@host/v1', model: 'm' },
      { baseUrl: 'https://host/v1' },
      { baseUrl: 'https://host/v1', model: 'm', timeoutMs: 10 },
      { baseUrl: 'https://host/v1', model: 'm', minSimilarity: 1 },
      { baseUrl: 'https://host/v1', model: 'm', extra: true },
    ];
    for (const embeddingsConfig of bad) {
      const response = await call('PATCH', '/v1/robots/museum', { brain: { type: 'knowledge', embeddings: embeddingsConfig } });
      expect(response.status, JSON.stringify(embeddingsConfig)).toBe(400);
      expect(response.json.error.code).toBe('INVALID_REQUEST');
    }
  });

  it('setting an endpoint on a robot with entries asks for their vectors at once, before any question', async () => {
    expect((await call('POST', '/v1/robots', { id: 'later', name: 'Later', languages: ['en_US'] })).status).toBe(201);
    expect((await call('POST', '/v1/robots/later/knowledge', { entries: ENTRIES.map(({ id: _id, ...entry }) => entry) })).status).toBe(201);
    upstream.requests.length = 0;
    expect((await call('PATCH', '/v1/robots/later', { brain: { type: 'knowledge', embeddings: config() } })).status).toBe(200);
    const entryBatch = () => upstream.requests.find((r) => r.json.input.length === ENTRIES.length);
    for (let i = 0; i < 50 && !entryBatch(); i++) await sleep(50);
    expect(entryBatch()?.json.input).toEqual(ENTRIES.map((entry) => entry.question));
  });
});
