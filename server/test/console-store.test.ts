/**
 * What the console reads from the store, on SQLite and PostgreSQL alike: the slowest turns with their stages (paged,
 * per robot and window), pages of unanswered questions and of live sessions, and the live leases per robot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRobot } from '../src/robots/robot.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { QuestionRecordInput, Store } from '../src/store/store.js';
import { tempDir } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => cluster?.stop());

const backends: Array<{ name: string; open(): Promise<Store> }> = [
  { name: 'SQLite', open: async () => SqliteStore.open(tempDir()) },
  { name: 'PostgreSQL', open: async () => PostgresStore.connect(await cluster.createDatabase()) },
];

const T0 = Date.UTC(2025, 5, 1);

describe.each(backends)('console queries: $name', (backend) => {
  const question = (overrides: Partial<QuestionRecordInput>): QuestionRecordInput => ({
    robotId: 'r1',
    sessionId: 's1',
    chatId: 'c1',
    question: 'q',
    language: 'en_US',
    brain: 'knowledge',
    entryId: null,
    confidence: null,
    latencyMs: 50,
    answered: true,
    createdAt: T0,
    ...overrides,
  });

  it('slowest turns: by first audio, slowest first, with their stages; paged; per robot and window', async () => {
    const store = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One' }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two' }));
    const latencies = [120, 30, 900, 450, 60];
    for (const [i, latencyMs] of latencies.entries()) {
      await store.recordQuestion(
        question({
          question: `question ${latencyMs}`,
          chatId: `c${i}`,
          latencyMs,
          createdAt: T0 + i * 1000,
          stages: { brainFirstChunkMs: latencyMs / 3, brainFirstTextMs: latencyMs / 2, firstAudioMs: latencyMs, turnEndMs: latencyMs * 4 },
        }),
      );
    }
    // Not ranked: no audio went out. Another robot's and an out-of-window turn: not listed.
    await store.recordQuestion(question({ question: 'interrupted', latencyMs: null, createdAt: T0 + 10_000 }));
    await store.recordQuestion(question({ robotId: 'r2', question: 'elsewhere', latencyMs: 5000 }));
    await store.recordQuestion(question({ question: 'long ago', latencyMs: 9000, createdAt: T0 - 86_400_000 }));
    // Logged before stages were recorded.
    await store.recordQuestion(question({ question: 'old record', latencyMs: 200, createdAt: T0 + 20_000 }));

    const window = { from: T0, to: T0 + 60_000 };
    const first = await store.slowestTurns('r1', { ...window, limit: 3, offset: 0 });
    expect(first.map((t) => t.latencyMs)).toEqual([900, 450, 200]);
    expect(first[0]).toEqual({
      question: 'question 900',
      language: 'en_US',
      brain: 'knowledge',
      answered: true,
      sessionId: 's1',
      chatId: 'c2',
      askedAt: new Date(T0 + 2000).toISOString(),
      latencyMs: 900,
      stages: { brainFirstChunkMs: 300, brainFirstTextMs: 450, firstAudioMs: 900, turnEndMs: 3600 },
    });
    expect(first[2].stages).toEqual({});
    const second = await store.slowestTurns('r1', { ...window, limit: 3, offset: 3 });
    expect(second.map((t) => t.latencyMs)).toEqual([120, 60, 30]);
    expect(await store.slowestTurns('r1', { ...window, limit: 3, offset: 6 })).toEqual([]);
    expect((await store.slowestTurns('r2', { ...window, limit: 10, offset: 0 })).map((t) => t.question)).toEqual(['elsewhere']);
    await store.close();
  });

  it('unanswered questions page by offset without repeats', async () => {
    const store = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One' }));
    for (let i = 0; i < 7; i++) {
      // Question i is asked i+1 times: the order (most asked first) is fixed.
      for (let n = 0; n <= i; n++) await store.recordQuestion(question({ question: `unknown ${i}`, answered: false, createdAt: T0 + n }));
    }
    const page = (offset: number) => store.unansweredQuestions('r1', { from: T0, to: T0 + 60_000, limit: 3, offset, status: 'unanswered' });
    const pages = [await page(0), await page(3), await page(6)];
    expect(pages.map((rows) => rows.map((q) => q.count))).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
    expect(new Set(pages.flat().map((q) => q.question)).size).toBe(7);
    await store.close();
  });

  it('live sessions page in admission order; leases per robot count only live leases', async () => {
    const store = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One', concurrency: 10 }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two', concurrency: 10 }));
    const now = Date.now();
    const admit = async (id: string, robotId: string, createdAt: number) => {
      await store.createOnceCode({ codeHash: `code-${id}`, robotId, expiresAt: now + 60_000 });
      const session = {
        id,
        robotId,
        tokenHash: `t-${id}`,
        language: 'en_US' as const,
        origin: null,
        createdAt,
        leaseExpiresAt: now + 30_000,
      };
      expect(await store.admitSession({ robotId, codeHash: `code-${id}`, now, session })).toEqual({ ok: true });
    };
    for (let i = 0; i < 5; i++) await admit(`a${i}`, 'r1', now - 5000 + i);
    await admit('b0', 'r2', now);
    await store.endSession('a1', 'BYE', now);
    const ids = async (offset: number) => (await store.listLiveSessionPage('r1', now, { limit: 2, offset })).map((s) => s.id);
    expect([await ids(0), await ids(2), await ids(4)]).toEqual([['a0', 'a2'], ['a3', 'a4'], []]);
    expect(Object.fromEntries(await store.liveLeasesByRobot(now))).toEqual({ r1: 4, r2: 1 });
    // Past their lease: none held.
    expect((await store.liveLeasesByRobot(now + 60_000)).size).toBe(0);
    await store.close();
  });
});
