/**
 * The expired-lease sweep on PostgreSQL (every process runs it on its renewal timer) waits for no row another
 * transaction holds and holds up nobody: a session row locked elsewhere is left for the next sweep, the others
 * are recorded as ended, and admissions into the robot go on meanwhile.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store/postgres-store.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const available = postgresAvailable();
let cluster: PostgresCluster;
let store: PostgresStore;
let other: pg.Client;

beforeAll(async () => {
  if (!available) return;
  cluster = await startPostgresCluster();
  const databaseUrl = await cluster.createDatabase('sweep');
  store = await PostgresStore.connect(databaseUrl);
  other = new pg.Client({ connectionString: databaseUrl });
  await other.connect();
}, 120_000);

afterAll(async () => {
  await other?.end();
  await store?.close();
  await cluster?.stop();
});

const NOW = Date.now();

async function admit(code: string, sessionId: string, leaseExpiresAt: number) {
  await store.createOnceCode({ codeHash: code, robotId: 'r', expiresAt: NOW + 3600_000 });
  const session = { id: sessionId, robotId: 'r', tokenHash: 't', language: 'en_US' as const, origin: null, createdAt: NOW, leaseExpiresAt };
  return store.admitSession({ robotId: 'r', codeHash: code, now: NOW, session });
}

describe.skipIf(!available)('the expired-lease sweep on PostgreSQL', () => {
  it('skips a row another transaction holds, ends the rest, and blocks no admission', async () => {
    await store.createRobot({
      id: 'r',
      name: 'R',
      concurrency: 10,
      languages: ['en_US'],
      defaultLanguage: 'en_US',
      allowedOrigins: ['*'],
      createdAt: new Date(NOW).toISOString(),
      updatedAt: new Date(NOW).toISOString(),
    } as Parameters<PostgresStore['createRobot']>[0]);
    for (const id of ['lapsed-1', 'lapsed-2', 'lapsed-3']) expect(await admit(`code-${id}`, id, NOW + 1000)).toEqual({ ok: true });

    // Another process is writing lapsed-2 (say, ending it) and has not committed yet.
    await other.query('BEGIN');
    await other.query('SELECT id FROM sessions WHERE id = $1 FOR UPDATE', ['lapsed-2']);
    try {
      // Had the sweep waited for that row, this would never resolve while the transaction stays open.
      expect(await store.expireLeases(NOW + 2000)).toBe(2);
      expect(await admit('code-new', 'fresh', NOW + 60_000)).toEqual({ ok: true });
    } finally {
      await other.query('COMMIT');
    }
    expect((await store.getSession('lapsed-1'))!.endReason).toBe('LEASE_EXPIRED');
    expect((await store.getSession('lapsed-2'))!.endedAt).toBeNull();
    // The next sweep finds it free.
    expect(await store.expireLeases(NOW + 2000)).toBe(1);
    expect((await store.getSession('lapsed-2'))!.endReason).toBe('LEASE_EXPIRED');
    expect((await store.getSession('fresh'))!.endedAt).toBeNull();
  });
});
