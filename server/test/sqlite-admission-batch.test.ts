// SQLite group commit (store/sqlite-admission-batch.ts): admissions of one event-loop turn share a transaction,
// each in its own savepoint. What one admission does (spend, refusal, failure) must not leak into the others.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildRobot } from '../src/robots/robot.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../src/store/sqlite-store.js';
import type { AdmissionRequest } from '../src/store/store.js';
import { tempDir } from './helpers.js';

const now = Date.now();

async function openWithCodes(codes: string[], concurrency = 10) {
  const dir = tempDir();
  const store = SqliteStore.open(dir);
  await store.createRobot(buildRobot({ id: 'r1', name: 'One', languages: ['en_US'], concurrency }));
  for (const codeHash of codes) await store.createOnceCode({ codeHash, robotId: 'r1', expiresAt: now + 60_000 });
  return { store, file: path.join(dir, SQLITE_FILE_NAME) };
}

const request = (codeHash: string, id: string): AdmissionRequest => ({
  robotId: 'r1',
  codeHash,
  now,
  session: { id, robotId: 'r1', tokenHash: `h-${id}`, language: 'en_US', origin: null, createdAt: now, leaseExpiresAt: now + 30_000 },
});

describe('SQLite admissions written together', () => {
  it('one admission that fails (a duplicate session id) rolls back only itself: its code stays unspent, the others commit', async () => {
    const { store } = await openWithCodes(['c1', 'c2', 'c3', 'c4']);
    // The same turn of the event loop: one batch.
    const results = await Promise.allSettled([
      store.admitSession(request('c1', 's1')),
      store.admitSession(request('c2', 's1')),
      store.admitSession(request('c3', 's3')),
      store.admitSession(request('c1', 's4')),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: { ok: true } });
    expect(results[1]?.status).toBe('rejected');
    expect(results[2]).toEqual({ status: 'fulfilled', value: { ok: true } });
    // The batch sees its own earlier admissions: c1 was spent by the first.
    expect(results[3]).toEqual({ status: 'fulfilled', value: { ok: false, reason: 'ONCE_CODE_INVALID' } });
    expect(await store.admitSession(request('c2', 's2'))).toEqual({ ok: true });
    expect((await store.listLiveSessions('r1', now)).map((s) => s.id).sort()).toEqual(['s1', 's2', 's3']);
    await store.close();
  });

  it('counts the leases taken earlier in the same batch: concurrency 2, five at once, exactly two', async () => {
    const codes = ['a', 'b', 'c', 'd', 'e'];
    const { store } = await openWithCodes(codes, 2);
    const results = await Promise.all(codes.map((code) => store.admitSession(request(code, `s-${code}`))));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.reason === 'CONCURRENCY_LIMIT')).toHaveLength(3);
    expect(await store.countLiveSessions('r1', now)).toBe(2);
    await store.close();
  });

  it("reads a robot's live count once per batch yet stays exact: a lease lapsing between two clocks frees its slot", async () => {
    const { store } = await openWithCodes(['a', 'b', 'c', 'd', 'e'], 2);
    const at = (codeHash: string, id: string, clock: number, leaseMs = 30_000): AdmissionRequest => {
      const r = request(codeHash, id);
      return { ...r, now: clock, session: { ...r.session, createdAt: clock, leaseExpiresAt: clock + leaseMs } };
    };
    expect(await Promise.all([store.admitSession(at('a', 'sa', now, 1000)), store.admitSession(at('b', 'sb', now))])).toEqual([
      { ok: true },
      { ok: true },
    ]);
    const results = await Promise.all([
      store.admitSession(at('c', 'sc', now)), // full
      store.admitSession(at('d', 'sd', now + 2000)), // sa's lease has lapsed: a slot
      store.admitSession(at('e', 'se', now + 500)), // an earlier clock: sa, sb and sd all hold theirs
    ]);
    expect(results.map((r) => (r.ok ? 'OK' : r.reason))).toEqual(['CONCURRENCY_LIMIT', 'OK', 'CONCURRENCY_LIMIT']);
    expect(await store.countLiveSessions('r1', now + 2000)).toBe(2);
    await store.close();
  });

  it('answers nothing before the commit: a batch that cannot get the write lock refuses every admission in it', async () => {
    const { store, file } = await openWithCodes(['x1', 'x2']);
    // Another process (the CLI) holds the write lock longer than busy_timeout allows: nothing is written.
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    (store as unknown as { db: Database.Database }).db.pragma('busy_timeout = 0');
    const results = await Promise.allSettled([store.admitSession(request('x1', 's1')), store.admitSession(request('x2', 's2'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    other.exec('ROLLBACK');
    other.close();
    expect(await store.admitSession(request('x1', 's1'))).toEqual({ ok: true });
    expect(await store.admitSession(request('x2', 's2'))).toEqual({ ok: true });
    await store.close();
  });

  it('a store closed with admissions queued answers them first', async () => {
    const { store } = await openWithCodes(['q1']);
    const pending = store.admitSession(request('q1', 's1'));
    await store.close();
    expect(await pending).toEqual({ ok: true });
  });
});
