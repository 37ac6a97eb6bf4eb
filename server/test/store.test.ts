import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRobot } from '../src/routes/robots.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/migrations/postgres.js';
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
    expect(applyMigrations(db, MIGRATIONS)).toEqual([1, 2]);
    expect(applyMigrations(db, MIGRATIONS)).toEqual([]);
    expect(applyMigrations(db, [...MIGRATIONS, { version: 3, name: 'extra', sql: 'CREATE TABLE extra (x TEXT)' }])).toEqual([3]);
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
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
    expect(await reopened.listKnowledge('r1')).toMatchObject([{ id: expect.any(Number), question: 'q', similarQuestions: ['q2'], answer: 'a' }]);
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
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'd', now: later, session: session('s4') })).toEqual({ ok: false, reason: 'CONCURRENCY_LIMIT' });
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
});
