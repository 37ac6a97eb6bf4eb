/**
 * The admin API behind the console's long lists and its slowest-turns view, against a real server: a visitor's
 * turns are logged with their stages and listed slowest first; sessions and unanswered questions come in pages with
 * a `nextOffset`; bad paging parameters are INVALID_REQUEST, never a 500.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'silent' });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function get(path: string) {
  const response = await fetch(server.url + path, { headers: ADMIN });
  return { status: response.status, json: await response.json() };
}

const window = () => `from=${Date.now() - 60_000}&to=${Date.now() + 60_000}`;

describe('slowest turns', () => {
  it("lists a visitor's turns slowest first, each with its stages in the order a turn reaches them", async () => {
    const visitor = await Visitor.admit(server.url, 'demo');
    for (const text of ['What can you do?', 'Who made you?', 'zebra quantum marmalade']) {
      const chatId = `slowturn-${text.length}`;
      await visitor.ask(text, chatId);
      await visitor.until((m) => m.type === 'turnEnd' && m.chatId === chatId);
    }
    visitor.close();
    await visitor.closed;
    let turns: Array<{ question: string; latencyMs: number; answered: boolean; stages: Record<string, number> }> = [];
    await expect
      .poll(async () => {
        turns = (await get(`/v1/robots/demo/analytics/slowest-turns?${window()}`)).json.turns;
        return turns.length;
      })
      .toBe(3);
    expect(turns.map((t) => t.latencyMs)).toEqual([...turns.map((t) => t.latencyMs)].sort((a, b) => b - a));
    expect(turns.map((t) => t.question).sort()).toEqual(['What can you do?', 'Who made you?', 'zebra quantum marmalade']);
    for (const { stages, latencyMs } of turns) {
      expect(stages.firstAudioMs).toBe(latencyMs);
      expect(stages.brainFirstChunkMs).toBeLessThanOrEqual(stages.brainFirstTextMs);
      expect(stages.brainFirstTextMs).toBeLessThanOrEqual(stages.firstAudioMs);
      expect(stages.firstAudioMs).toBeLessThanOrEqual(stages.turnEndMs);
      expect(stages.brainDoneMs).toBeLessThanOrEqual(stages.turnEndMs);
    }
    const page = await get(`/v1/robots/demo/analytics/slowest-turns?${window()}&limit=2`);
    expect(page.json.turns).toHaveLength(2);
    expect(page.json.nextOffset).toBe(2);
    const rest = await get(`/v1/robots/demo/analytics/slowest-turns?${window()}&limit=2&offset=2`);
    expect(rest.json.turns.map((t: { question: string }) => t.question)).toEqual([turns[2].question]);
    expect(rest.json.nextOffset).toBeNull();
  });

  it('refuses bad paging with INVALID_REQUEST and an unknown robot with ROBOT_NOT_FOUND', async () => {
    for (const query of ['offset=-1', 'offset=abc', 'limit=0', 'limit=101', 'offset=1&extra=1']) {
      const { status, json } = await get(`/v1/robots/demo/analytics/slowest-turns?${query}`);
      expect([status, json.error.code], query).toEqual([400, 'INVALID_REQUEST']);
    }
    expect((await get('/v1/robots/nobody/analytics/slowest-turns')).json.error.code).toBe('ROBOT_NOT_FOUND');
  });
});

describe('paged lists', () => {
  it("a robot's live sessions come in pages, with the leases in use counted over all of them", async () => {
    const create = await fetch(`${server.url}/v1/robots`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'busy', name: 'Busy', concurrency: 10, languages: ['en_US'] }),
    });
    expect(create.status).toBe(201);
    const visitors = [];
    for (let i = 0; i < 5; i++) visitors.push(await Visitor.admit(server.url, 'busy'));
    const first = await get('/v1/robots/busy/sessions?limit=2');
    expect(first.json).toMatchObject({ robotId: 'busy', concurrency: 10, inUse: 5, nextOffset: 2 });
    const pages = [first.json.sessions, (await get('/v1/robots/busy/sessions?limit=2&offset=2')).json.sessions];
    const last = await get('/v1/robots/busy/sessions?limit=2&offset=4');
    expect(last.json.nextOffset).toBeNull();
    pages.push(last.json.sessions);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const ids = pages.flat().map((s: { sessionId: string }) => s.sessionId);
    expect(ids).toEqual(visitors.map((v) => v.info.sessionId));
    expect((await get('/v1/robots/busy/sessions')).json.sessions).toHaveLength(5);
    for (const query of ['limit=0', 'limit=501', 'offset=x']) {
      expect((await get(`/v1/robots/busy/sessions?${query}`)).json.error.code, query).toBe('INVALID_REQUEST');
    }
    for (const visitor of visitors) visitor.close();
    await Promise.all(visitors.map((v) => v.closed));
  });

  it('unanswered questions come in pages that together list each question once', async () => {
    const visitor = await Visitor.admit(server.url, 'demo');
    for (let i = 0; i < 5; i++) {
      const chatId = `unanswered-${i}`;
      visitor.send({ type: 'question', chatId, text: `xylophone nebula ${'q'.repeat(i + 1)} ${i}` });
      await visitor.until((m) => m.type === 'turnEnd' && m.chatId === chatId);
    }
    visitor.close();
    await visitor.closed;
    const path = (offset: number) => `/v1/robots/demo/analytics/questions?${window()}&limit=2&offset=${offset}`;
    await expect
      .poll(async () => (await get(`/v1/robots/demo/analytics/questions?${window()}`)).json.questions.length)
      .toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const { json } = await get(path(offset));
      expect(json.questions.length).toBeLessThanOrEqual(2);
      seen.push(...json.questions.map((q: { question: string }) => q.question));
      offset = json.nextOffset;
    }
    expect(seen.filter((q) => q.startsWith('xylophone nebula'))).toHaveLength(5);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('robot settings the console removes', () => {
  it('PATCH with null removes an optional setting; null is refused where a setting cannot be removed', async () => {
    const patch = (body: unknown) =>
      fetch(`${server.url}/v1/robots/settings`, {
        method: 'PATCH',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const created = await fetch(`${server.url}/v1/robots`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'settings',
        name: 'Settings',
        asr: { type: 'openai', baseUrl: 'https://asr.example/v1', apiKey: 'sk-asr-secret-0123456789' },
        rateLimits: { questions: { burst: 3, perMinute: 30 } },
        lexicon: [{ word: 'dhkit', say: 'D H kit' }],
      }),
    });
    expect(created.status).toBe(201);
    const removed = await patch({ asr: null, rateLimits: null });
    expect(removed.status).toBe(200);
    expect(removed.json.asr).toBeUndefined();
    expect(removed.json.rateLimits).toBeUndefined();
    expect(removed.json.lexicon).toEqual([{ word: 'dhkit', say: 'D H kit' }]);
    expect((await get('/v1/robots/settings')).json).not.toHaveProperty('asr');
    // Still validated in full when not null: the message names the field.
    const invalid = await patch({ rateLimits: { questions: { burst: 0, perMinute: 30 } } });
    expect([invalid.status, invalid.json.error.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(invalid.json.error.message).toBe('body/rateLimits/questions/burst must be an integer from 1 to 1000.');
    for (const body of [{ name: null }, { brain: null }, { concurrency: null }]) {
      expect((await patch(body)).json.error.code, JSON.stringify(body)).toBe('INVALID_REQUEST');
    }
  });
});
