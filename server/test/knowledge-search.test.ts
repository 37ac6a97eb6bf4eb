// The operators' search route and `dhkit kb ask` over a real server and store: ranked entries with
// confidence and the decision the brain takes (the same lookup as the brain, checked against a real
// channel answer), bad input with catalog codes, and a robot's key terms and synonyms changing the ranking.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'server/bin/dhkit.js');

let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'silent' });
});
afterAll(() => server.close());

async function post(url: string, body: unknown, headers: Record<string, string> = ADMIN) {
  const response = await fetch(server.url + url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // Untyped on purpose: the assertions check the shape the route sent.
  return { status: response.status, json: (await response.json()) as any };
}
const search = (robot: string, body: unknown) => post(`/v1/robots/${robot}/knowledge/search`, body);

describe('POST /v1/robots/:id/knowledge/search', () => {
  it('ranks entries with confidence and says what the brain would do', async () => {
    const answered = await search('demo', { question: '展厅周六开门吗' });
    expect(answered.status).toBe(200);
    expect(answered.json.decision).toBe('answer');
    expect(answered.json.matches[0]).toMatchObject({ question: '展厅几点开门', language: 'zh_CN', entryId: answered.json.entryId });
    expect(answered.json.matches[0].confidence).toBeGreaterThan(answered.json.matches[1].confidence);
    expect(answered.json.confidence).toBe(answered.json.matches[0].confidence);

    const declined = await search('demo', { question: 'what is the capital of Peru', limit: 2 });
    expect(declined.json.decision).toBe('fallback');
    expect(declined.json.matches.length).toBeLessThanOrEqual(2);
    expect(declined.json.entryId).toBeUndefined();
  });

  it('rejects bad input with INVALID_REQUEST, an unknown robot with ROBOT_NOT_FOUND, and no key with 401', async () => {
    const bodies = [
      {},
      { question: '' },
      { question: 'x'.repeat(2001) },
      { question: 'hi', limit: 0 },
      { question: 'hi', limit: 21 },
      { question: 'hi', x: 1 },
    ];
    for (const body of bodies) {
      const response = await search('demo', body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.json.error.code).toBe('INVALID_REQUEST');
    }
    const missing = await search('nobody', { question: 'hi' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ROBOT_NOT_FOUND');
    expect((await post('/v1/robots/demo/knowledge/search', { question: 'hi' }, {})).status).toBe(401);
  });

  it('answers a crafted 500-character question like any other (bounded work, no error)', async () => {
    const response = await search('demo', { question: '展厅的你我是什么'.repeat(63).slice(0, 500) });
    expect(response.status).toBe(200);
    expect(['answer', 'suggest', 'fallback']).toContain(response.json.decision);
  });

  it('a robot’s synonyms and key terms change the ranking, and bad ones are refused', async () => {
    const robot = { id: 'terms', name: 'terms', languages: ['en_US'], concurrency: 2 };
    expect((await post('/v1/robots', robot)).status).toBe(201);
    const entries = [
      { question: 'How do I make text strikethrough', answer: 'Wrap it in ~~tildes~~.', language: 'en_US' },
      { question: 'How do I make text bold', answer: 'Wrap it in **stars**.', language: 'en_US' },
    ];
    expect((await post('/v1/robots/terms/knowledge', { entries })).status).toBe(201);
    const before = await search('terms', { question: 'how can I get crossed out text' });
    expect(before.json.decision).not.toBe('answer');

    const patch = (brain: unknown) =>
      fetch(`${server.url}/v1/robots/terms`, {
        method: 'PATCH',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify({ brain }),
      });
    expect((await patch({ type: 'knowledge', synonyms: [['strikethrough', 'crossed out']], keyTerms: ['bold'] })).status).toBe(200);
    const after = await search('terms', { question: 'how can I get crossed out text' });
    expect(after.json.decision).toBe('answer');
    expect(after.json.matches[0].question).toBe('How do I make text strikethrough');

    const badBrains = [
      { type: 'knowledge', synonyms: [['alone']] },
      { type: 'knowledge', keyTerms: [''] },
      { type: 'knowledge', keyTerms: 'bold' },
    ];
    for (const brain of badBrains) {
      const response = await patch(brain);
      expect(response.status, JSON.stringify(brain)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    }
  });
});

describe('dhkit kb ask', () => {
  const run = promisify(execFile);
  const cli = (args: string[]) => run(process.execPath, [CLI, ...args], { env: { ...process.env, DHKIT_DATABASE_URL: '' } });

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'server/dist/cli.js'))) throw new Error('Build the server first: npx tsc -b server');
  });

  it('prints what the search route answers, and refuses bad usage', async () => {
    const question = 'how can I put the avatar on my site';
    const printed = JSON.parse((await cli(['kb', 'ask', 'demo', question, '--limit', '3', '--data', dataDir])).stdout);
    const routed = await search('demo', { question, limit: 3 });
    expect(printed).toEqual(routed.json);
    expect(printed.decision).toBe('answer');
    for (const args of [
      ['kb', 'ask', 'demo'],
      ['kb', 'ask', 'demo', 'q', '--limit', '0'],
      ['kb', 'ask', 'demo', '  '],
    ]) {
      const usage = await cli([...args, '--data', dataDir]).catch((error) => error);
      expect(usage.code, args.join(' ')).toBe(2);
    }
    const missing = await cli(['kb', 'ask', 'nobody', 'hi', '--data', dataDir]).catch((error) => error);
    expect(missing.code).toBe(1);
  }, 120_000); // five CLI processes, each loading the server's modules
});
