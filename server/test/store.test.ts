import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRobot } from '../src/robots/robot.js';
import { MIGRATIONS, POSTGRES_MIGRATIONS } from '../src/store/migrations/index.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { SqliteStore, applyMigrations } from '../src/store/sqlite-store.js';
import { DuplicateRobotError, type AdmissionRequest, type Store } from '../src/store/store.js';
import { tempDir } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => cluster?.stop());

describe('migrations', () => {
  it('SQLite: applies migrations once and records them', () => {
    const db = new Database(path.join(tempDir(), 'm.sqlite'));
    const versions = MIGRATIONS.map((migration) => migration.version);
    expect(versions).toEqual(versions.map((_, index) => index + 1));
    expect(applyMigrations(db, MIGRATIONS)).toEqual(versions);
    expect(applyMigrations(db, MIGRATIONS)).toEqual([]);
    const extra = versions.length + 1;
    expect(applyMigrations(db, [...MIGRATIONS, { version: extra, name: 'extra', sql: 'CREATE TABLE extra (x TEXT)' }])).toEqual([extra]);
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      [...versions, extra].map((version) => ({ version })),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
  });

  it('both backends have the same migration versions', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('PostgreSQL: two stores connecting at once migrate once', async () => {
    const url = await cluster.createDatabase();
    const [a, b] = await Promise.all([PostgresStore.connect(url), PostgresStore.connect(url)]);
    await a.setSetting('k', 'v');
    expect(await b.getSetting('k')).toBe('v');
    await Promise.all([a.close(), b.close()]);
    const reopened = await PostgresStore.connect(url);
    expect(await reopened.getSetting('k')).toBe('v');
    await reopened.close();
  });
});

type Backend = { name: string; open(): Promise<{ store: Store; reopen(): Promise<Store> }> };

const backends: Backend[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = tempDir();
      return { store: SqliteStore.open(dir), reopen: async () => SqliteStore.open(dir) };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const url = await cluster.createDatabase();
      return { store: await PostgresStore.connect(url, { maxConnections: 20 }), reopen: () => PostgresStore.connect(url) };
    },
  },
];

describe.each(backends)('store contract: $name', (backend) => {
  const now = Date.now();
  const session = (id: string, robotId = 'r1', leaseExpiresAt = now + 30_000) => ({
    id,
    robotId,
    tokenHash: `h-${id}`,
    language: 'zh_CN' as const,
    origin: null,
    createdAt: now,
    leaseExpiresAt,
  });
  const admit = (store: Store, codeHash: string, id: string, robotId = 'r1', extra: Partial<AdmissionRequest> = {}) =>
    store.admitSession({ robotId, codeHash, now, session: session(id, robotId), ...extra });

  it('stores robots, knowledge, settings and keeps data across reopen', async () => {
    const { store, reopen } = await backend.open();
    const robot = buildRobot({ id: 'r1', name: 'One', languages: ['en_US'] });
    await store.createRobot(robot);
    await expect(store.createRobot(robot)).rejects.toBeInstanceOf(DuplicateRobotError);
    await store.addKnowledge('r1', [{ question: 'q', similarQuestions: ['q2'], answer: 'a', language: 'en_US' }]);
    await store.setSetting('k', 'v1');
    await store.setSetting('k', 'v2');
    await store.close();
    const reopened = await reopen();
    expect(await reopened.getRobot('r1')).toEqual(robot);
    expect(await reopened.listRobots()).toHaveLength(1);
    expect(await reopened.listKnowledge('r1')).toMatchObject([
      { id: expect.any(Number), question: 'q', similarQuestions: ['q2'], answer: 'a' },
    ]);
    expect(await reopened.getSetting('k')).toBe('v2');
    expect(await reopened.getSetting('missing')).toBeNull();
    await reopened.close();
  });

  it('updates and deletes robots; deleting cascades to knowledge, codes and sessions', async () => {
    const { store } = await backend.open();
    const robot = buildRobot({ id: 'r1', name: 'One', concurrency: 2 });
    await store.createRobot(robot);
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two' }));
    expect(await store.updateRobot({ ...robot, name: 'Uno', concurrency: 5, updatedAt: 'later' })).toBe(true);
    expect(await store.getRobot('r1')).toMatchObject({ name: 'Uno', concurrency: 5, updatedAt: 'later', createdAt: robot.createdAt });
    expect(await store.updateRobot({ ...robot, id: 'absent' })).toBe(false);
    await store.addKnowledge('r1', [{ question: 'q', answer: 'a', language: 'en_US' }]);
    await store.createOnceCode({ codeHash: 'c1', robotId: 'r1', expiresAt: now + 60_000 });
    await store.createOnceCode({ codeHash: 'c2', robotId: 'r1', expiresAt: now + 60_000 });
    expect(await admit(store, 'c1', 's1')).toEqual({ ok: true });
    expect(await store.deleteRobot('r1')).toBe(true);
    expect(await store.deleteRobot('r1')).toBe(false);
    expect(await store.getRobot('r1')).toBeNull();
    expect(await store.listKnowledge('r1')).toEqual([]);
    expect(await store.getSession('s1')).toBeNull();
    expect(await store.renewLeases(['s1'], now + 60_000, now)).toEqual([]);
    expect(await admit(store, 'c2', 's2')).toEqual({ ok: false, reason: 'ROBOT_NOT_FOUND' });
    expect(await store.listRobots()).toMatchObject([{ id: 'r2' }]);
    await store.close();
  });

  it('admits atomically: single-use codes, expiry, robot binding, concurrency', async () => {
    const { store } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One', concurrency: 1 }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two' }));
    await store.createOnceCode({ codeHash: 'c1', robotId: 'r1', expiresAt: now + 60_000 });
    await store.createOnceCode({ codeHash: 'c2', robotId: 'r1', expiresAt: now + 60_000 });
    await store.createOnceCode({ codeHash: 'old', robotId: 'r1', expiresAt: now - 1 });
    expect(await admit(store, 'c1', 'x', 'r2')).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await admit(store, 'old', 'x')).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await admit(store, 'nope', 'x')).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await admit(store, 'c1', 's1')).toEqual({ ok: true });
    expect(await admit(store, 'c1', 's2')).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    // Refused for concurrency: the code is not consumed and nothing is inserted.
    expect(await admit(store, 'c2', 's2')).toEqual({ ok: false, reason: 'CONCURRENCY_LIMIT' });
    expect(await store.getSession('s2')).toBeNull();
    expect(await store.getSession('s1')).toMatchObject({ robotId: 'r1', tokenHash: 'h-s1', leaseExpiresAt: now + 30_000, endedAt: null });
    expect(await store.endSession('s1', 'BYE', now)).toBe(true);
    expect(await store.endSession('s1', 'BYE', now)).toBe(false);
    expect(await store.getSession('s1')).toMatchObject({ endReason: 'BYE', endedAt: now });
    expect(await store.countLiveSessions('r1', now)).toBe(0);
    expect(await admit(store, 'c2', 's2')).toEqual({ ok: true });
    expect(await store.listLiveSessions('r1', now)).toMatchObject([{ id: 's2' }]);
    await store.close();
  });

  it('counts leases, not rows: a lapsed lease frees the slot, renewal keeps it, expireLeases records it', async () => {
    const { store } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One', concurrency: 2 }));
    for (const code of ['a', 'b', 'c', 'd']) await store.createOnceCode({ codeHash: code, robotId: 'r1', expiresAt: now + 600_000 });
    expect(await admit(store, 'a', 's1')).toEqual({ ok: true });
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'b', now, session: session('s2', 'r1', now + 1000) })).toEqual({ ok: true });
    expect(await admit(store, 'c', 's3')).toEqual({ ok: false, reason: 'CONCURRENCY_LIMIT' });
    // s2's lease runs out at now+1000; s1 is renewed past it.
    expect(await store.renewLeases(['s1', 'unknown'], now + 60_000, now + 500)).toEqual(['s1']);
    const later = now + 2000;
    expect(await store.countLiveSessions('r1', later)).toBe(1);
    // A lapsed lease is not renewed any more (its slot may already belong to someone else).
    expect(await store.renewLeases(['s2'], later + 30_000, later)).toEqual([]);
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'c', now: later, session: session('s3') })).toEqual({ ok: true });
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'd', now: later, session: session('s4') })).toEqual({
      ok: false,
      reason: 'CONCURRENCY_LIMIT',
    });
    expect(await store.expireLeases(later)).toBe(1);
    expect(await store.getSession('s2')).toMatchObject({ endReason: 'LEASE_EXPIRED', endedAt: now + 1000 });
    expect((await store.listLiveSessions('r1', later)).map((s) => s.id)).toEqual(['s1', 's3']);
    // An ended session is never renewed.
    await store.endSession('s1', 'KICKED', later);
    expect(await store.renewLeases(['s1', 's3'], later + 30_000, later)).toEqual(['s3']);
    await store.close();
  });

  it('60 admissions racing at concurrency 3: exactly 3 admitted; one code raced 50 times: admitted once', async () => {
    const { store } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One', concurrency: 3 }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two', concurrency: 100 }));
    for (let i = 0; i < 60; i++) await store.createOnceCode({ codeHash: `race-${i}`, robotId: 'r1', expiresAt: now + 60_000 });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => admit(store, `race-${i}`, `race-s${i}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.reason === 'CONCURRENCY_LIMIT')).toHaveLength(57);
    expect(await store.countLiveSessions('r1', now)).toBe(3);

    await store.createOnceCode({ codeHash: 'shared', robotId: 'r2', expiresAt: now + 60_000 });
    const same = await Promise.all(Array.from({ length: 50 }, (_, i) => admit(store, 'shared', `same-s${i}`, 'r2')));
    expect(same.filter((r) => r.ok)).toHaveLength(1);
    expect(same.filter((r) => !r.ok && r.reason === 'ONCE_CODE_INVALID')).toHaveLength(49);
    expect(await store.countLiveSessions('r2', now)).toBe(1);
    await store.close();
  });

  it('knowledge: tags, append, replace, update and delete one entry, revisions change with each write', async () => {
    const { store } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One' }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two' }));
    const revisions: string[] = [];
    const revision = async () => {
      const value = (await store.knowledgeRevisions()).get('r1');
      expect(value, 'a write changes the revision').not.toBe(revisions.at(-1));
      revisions.push(value!);
    };
    expect(
      await store.addKnowledge('r1', [
        { question: 'opening hours', similarQuestions: ['when open'], answer: 'Nine to five.', language: 'en_US', tags: ['hours', '营业'] },
        { question: 'where', answer: 'Hall 3.\n<img src="https://cdn.example/map.png">', language: 'en_US' },
      ]),
    ).toBe(2);
    await revision();
    await store.addKnowledge('r2', [{ question: 'other robot', answer: 'x', language: 'en_US' }]);
    expect(await store.addKnowledge('r1', [{ question: 'price', answer: 'Free.', language: 'en_US', tags: ['pricing'] }])).toBe(1);
    await revision();
    const listed = await store.listKnowledge('r1');
    expect(listed.map((e) => [e.question, e.tags])).toEqual([
      ['opening hours', ['hours', '营业']],
      ['where', []],
      ['price', ['pricing']],
    ]);
    expect(listed[1].answer).toContain('\n<img');
    expect(await store.getKnowledgeEntry('r1', listed[0].id)).toEqual(listed[0]);
    expect(await store.getKnowledgeEntry('r2', listed[0].id)).toBeNull();

    const updated = await store.updateKnowledgeEntry('r1', listed[0].id, { ...listed[0], answer: 'Ten to six.', tags: [] });
    expect(updated).toMatchObject({
      id: listed[0].id,
      answer: 'Ten to six.',
      tags: [],
      similarQuestions: ['when open'],
      createdAt: listed[0].createdAt,
    });
    await revision();
    expect(await store.updateKnowledgeEntry('r2', listed[0].id, listed[0])).toBeNull();
    expect(await store.deleteKnowledgeEntry('r2', listed[1].id)).toBe(false);
    expect(await store.deleteKnowledgeEntry('r1', listed[1].id)).toBe(true);
    await revision();
    expect(await store.deleteKnowledgeEntry('r1', listed[1].id)).toBe(false);
    expect((await store.listKnowledge('r1')).map((e) => e.question)).toEqual(['opening hours', 'price']);

    expect(await store.replaceKnowledge('r1', [{ question: 'only', answer: 'this', language: 'zh_CN', tags: ['t'] }])).toBe(1);
    await revision();
    expect(await store.listKnowledge('r1')).toMatchObject([{ question: 'only', language: 'zh_CN', tags: ['t'] }]);
    expect(await store.listKnowledge('r2')).toHaveLength(1);
    expect(await store.replaceKnowledge('r1', [])).toBe(0);
    expect(await store.listKnowledge('r1')).toEqual([]);
    await store.close();
  });

  it('a failing import changes nothing (replace is one transaction)', async () => {
    const { store } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One' }));
    await store.addKnowledge('r1', [{ question: 'keep', answer: 'me', language: 'en_US' }]);
    // A NOT NULL violation in the middle of the batch.
    const broken = [
      { question: 'a', answer: 'b', language: 'en_US' as const },
      { question: null as unknown as string, answer: 'c', language: 'en_US' as const },
    ];
    await expect(store.replaceKnowledge('r1', broken)).rejects.toThrow();
    await expect(store.addKnowledge('r1', broken)).rejects.toThrow();
    expect((await store.listKnowledge('r1')).map((e) => e.question)).toEqual(['keep']);
    await store.close();
  });

  it("pages a robot's knowledge in id order, searching its texts in any case, % and _ as plain text", async () => {
    const { store } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One' }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two' }));
    await store.addKnowledge('r1', [
      { question: 'Opening HOURS', answer: 'Nine.', language: 'en_US' },
      { question: 'price', answer: '50% off', language: 'en_US', similarQuestions: ['how much'] },
      { question: '展厅在哪', answer: '三号馆。', language: 'zh_CN', tags: ['Hall_3'] },
      { question: 'parking', answer: 'Lot B.', language: 'en_US' },
    ]);
    await store.addKnowledge('r2', [{ question: 'opening hours elsewhere', answer: 'x', language: 'en_US' }]);
    const questions = (page: { entries: { question: string }[] }) => page.entries.map((e) => e.question);
    const firstTwo = await store.knowledgePage('r1', { limit: 2, offset: 0 });
    expect([questions(firstTwo), firstTwo.total]).toEqual([['Opening HOURS', 'price'], 4]);
    expect(questions(await store.knowledgePage('r1', { limit: 2, offset: 2 }))).toEqual(['展厅在哪', 'parking']);
    expect(await store.knowledgePage('r1', { limit: 2, offset: 4 })).toEqual({ entries: [], total: 4 });
    expect(questions(await store.knowledgePage('r1', { limit: 10, offset: 0, query: 'opening hours' }))).toEqual(['Opening HOURS']);
    expect(questions(await store.knowledgePage('r1', { limit: 10, offset: 0, query: 'HOW MUCH' }))).toEqual(['price']);
    expect(questions(await store.knowledgePage('r1', { limit: 10, offset: 0, query: '三号' }))).toEqual(['展厅在哪']);
    expect(questions(await store.knowledgePage('r1', { limit: 10, offset: 0, query: 'hall_3' }))).toEqual(['展厅在哪']);
    expect((await store.knowledgePage('r1', { limit: 10, offset: 0, query: '%' })).total).toBe(1);
    expect((await store.knowledgePage('r1', { limit: 10, offset: 0, query: 'p_r' })).total).toBe(0);
    expect((await store.knowledgePage('r1', { limit: 10, offset: 0, query: '\\' })).total).toBe(0);
    await store.close();
  });

  it('question log: records, aggregates per robot and window, groups normalized questions, prunes', async () => {
    const { store } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One' }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two' }));
    const t0 = Date.UTC(2025, 0, 1);
    const ask = (question: string, minute: number, answered: boolean, latencyMs: number | null, robotId = 'r1') =>
      store.recordQuestion({
        robotId,
        sessionId: 's1',
        chatId: `c${minute}`,
        question,
        language: /\p{Script=Han}/u.test(question) ? 'zh_CN' : 'en_US',
        brain: 'knowledge',
        entryId: answered ? 7 : null,
        confidence: answered ? 0.9 : 0.1,
        latencyMs,
        answered,
        createdAt: t0 + minute * 60_000,
      });
    await ask('What can you do?', 1, true, 40);
    await ask('  what CAN you   do ', 2, true, 60);
    await ask('what can you do!!', 3, true, null);
    await ask('Where is the showroom', 4, true, 20);
    await ask('capital of Peru?', 5, false, 80);
    await ask('Capital of peru', 6, false, 100);
    await ask('你能做什么？', 7, true, 30);
    await ask('你能做什么', 8, true, 50);
    await ask('unicorns', 9, false, 70);
    await ask('other robot', 10, false, 10, 'r2');
    await ask('outside the window', 500, false, 10);

    const result = await store.questionAnalytics('r1', { from: t0, to: t0 + 60 * 60_000, limit: 10 });
    expect(result.totals).toEqual({
      questions: 9,
      answered: 6,
      unanswered: 3,
      answerRate: 0.6667,
      // 8 timed latencies sorted: 20 30 40 50 60 70 80 100 → nearest rank p50 = 4th, p95 = 8th.
      latencyMs: { p50: 50, p95: 100 },
    });
    expect(result.topQuestions[0]).toEqual({ question: expect.stringMatching(/what can you do/i), count: 3, answered: 3 });
    expect(result.topQuestions.slice(1, 3)).toEqual([
      { question: expect.stringMatching(/^你能做什么/), count: 2, answered: 2 },
      { question: expect.stringMatching(/^capital of peru/i), count: 2, answered: 0 },
    ]);
    expect(result.topQuestions).toHaveLength(5);
    expect(result.unanswered).toEqual([
      { question: expect.stringMatching(/^capital of peru/i), count: 2, lastAskedAt: new Date(t0 + 6 * 60_000).toISOString() },
      { question: 'unicorns', count: 1, lastAskedAt: new Date(t0 + 9 * 60_000).toISOString() },
    ]);
    expect((await store.questionAnalytics('r1', { from: t0, to: t0 + 60 * 60_000, limit: 1 })).unanswered).toHaveLength(1);
    expect(await store.questionAnalytics('r1', { from: t0 + 1e9, to: t0 + 2e9, limit: 10 })).toEqual({
      totals: { questions: 0, answered: 0, unanswered: 0, answerRate: null, latencyMs: { p50: null, p95: null } },
      topQuestions: [],
      unanswered: [],
    });
    expect((await store.questionAnalytics('r2', { from: t0, to: t0 + 60 * 60_000, limit: 10 })).totals.questions).toBe(1);

    expect(await store.pruneQuestions(t0 + 5 * 60_000)).toBe(4);
    expect((await store.questionAnalytics('r1', { from: 0, to: t0 + 1e9, limit: 10 })).totals.questions).toBe(6);
    // Deleting the robot deletes its log.
    await store.deleteRobot('r1');
    expect((await store.questionAnalytics('r1', { from: 0, to: t0 + 1e9, limit: 10 })).totals.questions).toBe(0);
    await store.close();
  });
});
