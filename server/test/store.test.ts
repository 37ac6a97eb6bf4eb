import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildRobot } from '../src/routes/robots.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import { SqliteStore, applyMigrations } from '../src/store/sqlite-store.js';
import { DuplicateRobotError } from '../src/store/store.js';
import { tempDir } from './helpers.js';

describe('SqliteStore', () => {
  it('applies migrations once and records them', () => {
    const db = new Database(path.join(tempDir(), 'm.sqlite'));
    expect(applyMigrations(db, MIGRATIONS)).toEqual([1]);
    expect(applyMigrations(db, MIGRATIONS)).toEqual([]);
    expect(applyMigrations(db, [...MIGRATIONS, { version: 2, name: 'extra', sql: 'CREATE TABLE extra (x TEXT)' }])).toEqual([2]);
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
  });

  it('stores robots, knowledge, settings and keeps data across reopen', async () => {
    const dir = tempDir();
    const store = SqliteStore.open(dir);
    const robot = buildRobot({ id: 'r1', name: 'One', languages: ['en_US'] });
    await store.createRobot(robot);
    await expect(store.createRobot(robot)).rejects.toBeInstanceOf(DuplicateRobotError);
    await store.addKnowledge('r1', [{ question: 'q', similarQuestions: ['q2'], answer: 'a', language: 'en_US' }]);
    await store.setSetting('k', 'v1');
    await store.setSetting('k', 'v2');
    await store.close();
    const reopened = SqliteStore.open(dir);
    expect(await reopened.getRobot('r1')).toEqual(robot);
    expect(await reopened.listRobots()).toHaveLength(1);
    expect(await reopened.listKnowledge('r1')).toMatchObject([{ question: 'q', similarQuestions: ['q2'], answer: 'a' }]);
    expect(await reopened.getSetting('k')).toBe('v2');
    await reopened.close();
  });

  it('admits atomically: single-use codes, expiry, robot binding, concurrency', async () => {
    const store = SqliteStore.open(tempDir());
    await store.createRobot(buildRobot({ id: 'r1', name: 'One', concurrency: 1 }));
    await store.createRobot(buildRobot({ id: 'r2', name: 'Two' }));
    const now = Date.now();
    const session = (id: string, robotId = 'r1') => ({ id, robotId, tokenHash: 'h', language: 'zh_CN' as const, origin: null, createdAt: now });
    await store.createOnceCode({ codeHash: 'c1', robotId: 'r1', expiresAt: now + 60_000 });
    await store.createOnceCode({ codeHash: 'c2', robotId: 'r1', expiresAt: now + 60_000 });
    await store.createOnceCode({ codeHash: 'old', robotId: 'r1', expiresAt: now - 1 });
    expect(await store.admitSession({ robotId: 'r2', codeHash: 'c1', now, session: session('x', 'r2') })).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'old', now, session: session('x') })).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'c1', now, session: session('s1') })).toEqual({ ok: true });
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'c1', now, session: session('s2') })).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    // Refused for concurrency: the code is not consumed and nothing is inserted.
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'c2', now, session: session('s2') })).toEqual({ ok: false, reason: 'CONCURRENCY_LIMIT' });
    expect(await store.getSession('s2')).toBeNull();
    expect(await store.endSession('s1', 'BYE', now)).toBe(true);
    expect(await store.endSession('s1', 'BYE', now)).toBe(false);
    expect(await store.countLiveSessions('r1')).toBe(0);
    expect(await store.admitSession({ robotId: 'r1', codeHash: 'c2', now, session: session('s2') })).toEqual({ ok: true });
    expect(await store.endAllLiveSessions('RESTART', now)).toBe(1);
    expect(await store.getSession('s2')).toMatchObject({ endReason: 'RESTART', endedAt: now });
    await store.close();
  });
});
