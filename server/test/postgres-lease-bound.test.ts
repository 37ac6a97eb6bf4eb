/**
 * A robot's live leases bounded without counting them (migration 12, robot_lease_bounds): admissions below the bound
 * admit without reading the robot's sessions, ends never lower the bound, and at the bound admission counts exactly
 * and starts it again from the sessions not ended. The answers stay exactly those of a count at every admission:
 * the limit holds, an ended session or a lapsed lease frees its slot, a lease taken back after an outage is covered.
 * The bound's values tell which way each admission went (a count after an end would have lowered it).
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRobot } from '../src/robots/robot.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import type { AdmissionRequest, AdmissionResult } from '../src/store/store.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const available = postgresAvailable();
let cluster: PostgresCluster;
let store: PostgresStore;
let sql: pg.Client;
const now = Date.now();

beforeAll(async () => {
  if (available) cluster = await startPostgresCluster();
}, 120_000);
afterAll(() => cluster?.stop());

beforeEach(async () => {
  if (!available) return;
  const url = await cluster.createDatabase();
  store = await PostgresStore.connect(url, { maxConnections: 4 });
  sql = new pg.Client({ connectionString: url });
  await sql.connect();
});
afterEach(async () => {
  await sql?.end();
  await store?.close();
});

let sessions = 0;
let codes = 0;
/** One admission with a fresh once-code; `at` is the admission's clock, `leaseMs` its lease. */
async function admissionOf(robotId: string, at = now, leaseMs = 30_000): Promise<AdmissionRequest> {
  const codeHash = `c-${++codes}`;
  await store.createOnceCode({ codeHash, robotId, expiresAt: at + 60_000 });
  const id = `s-${++sessions}`;
  return {
    robotId,
    codeHash,
    now: at,
    session: { id, robotId, tokenHash: `h-${id}`, language: 'zh_CN', origin: null, createdAt: at, leaseExpiresAt: at + leaseMs },
  };
}

const answer = (result: AdmissionResult) => (result.ok ? 'OK' : result.reason);

async function admit(robotId: string, at = now, leaseMs = 30_000): Promise<{ answer: string; id: string }> {
  const request = await admissionOf(robotId, at, leaseMs);
  return { answer: answer(await store.admitSession(request)), id: request.session.id };
}

async function bound(robotId: string): Promise<number | null> {
  const { rows } = await sql.query<{ bound: number }>('SELECT bound FROM robot_lease_bounds WHERE robot_id = $1', [robotId]);
  return rows[0]?.bound ?? null;
}

describe.skipIf(!available)('PostgreSQL admission: live leases bounded without counting', () => {
  it('admits below the bound without counting; counts at the bound; the limit holds exactly', async () => {
    await store.createRobot(buildRobot({ id: 'r', name: 'R', concurrency: 4 }));
    const first = await admit('r');
    expect(first.answer).toBe('OK');
    expect(await bound('r')).toBe(1); // no bound yet: counted (0), then one admitted
    expect((await admit('r')).answer).toBe('OK');
    expect(await bound('r')).toBe(2);

    // An end frees the slot but leaves the bound alone: the next admissions are not counted (a count would give 2).
    expect(await store.endSession(first.id, 'BYE', now)).toBe(true);
    expect(await bound('r')).toBe(2);
    expect((await admit('r')).answer).toBe('OK');
    expect((await admit('r')).answer).toBe('OK');
    expect(await bound('r')).toBe(4);

    // At the bound: counted exactly (3 live), admitted into the slot the end freed, and the bound starts again at 4.
    expect((await admit('r')).answer).toBe('OK');
    expect(await bound('r')).toBe(4);
    // Full: counted again, refused, nothing written but the count.
    expect((await admit('r')).answer).toBe('CONCURRENCY_LIMIT');
    expect(await bound('r')).toBe(4);
    const { rows } = await sql.query<{ n: string }>("SELECT COUNT(*) AS n FROM sessions WHERE robot_id = 'r' AND ended_at IS NULL");
    expect(Number(rows[0]!.n)).toBe(4);
  });

  it('a lease lapsed by the admission clock frees its slot at the bound, and stays in the bound until it ends', async () => {
    await store.createRobot(buildRobot({ id: 'l', name: 'L', concurrency: 2 }));
    expect((await admit('l', now, 1_000)).answer).toBe('OK');
    expect((await admit('l')).answer).toBe('OK');
    expect((await admit('l', now + 500)).answer).toBe('CONCURRENCY_LIMIT');
    // 2 s later the first lease has lapsed (not ended: no sweep ran). Counted: one live, so admitted; the bound
    // counts the lapsed one too (its own process, with a clock behind, may still renew it).
    expect((await admit('l', now + 2_000)).answer).toBe('OK');
    expect(await bound('l')).toBe(3);
    expect((await admit('l', now + 2_000)).answer).toBe('CONCURRENCY_LIMIT');
  });

  it('admissions of one batch go through the bound as alone, and write it once', async () => {
    await store.createRobot(buildRobot({ id: 'b', name: 'B', concurrency: 3 }));
    expect((await admit('b')).answer).toBe('OK');
    const requests = await Promise.all([1, 2, 3].map(() => admissionOf('b')));
    const results = await Promise.all(requests.map((request) => store.admitSession(request)));
    expect(results.map(answer)).toEqual(['OK', 'OK', 'CONCURRENCY_LIMIT']);
    expect(await bound('b')).toBe(3);
    // Two end; a batch of three: the bound (3) is at the limit, so the batch counts (1 live) and admits two.
    const live = await sql.query<{ id: string }>("SELECT id FROM sessions WHERE robot_id = 'b' AND ended_at IS NULL ORDER BY id LIMIT 2");
    for (const row of live.rows) await store.endSession(row.id, 'BYE', now);
    const again = await Promise.all([1, 2, 3].map(() => admissionOf('b')));
    expect((await Promise.all(again.map((request) => store.admitSession(request)))).map(answer)).toEqual(['OK', 'OK', 'CONCURRENCY_LIMIT']);
    expect(await bound('b')).toBe(3);
  });

  it('a lease taken back after an outage is added to the bound', async () => {
    await store.createRobot(buildRobot({ id: 't', name: 'T', concurrency: 3 }));
    const lapsing = await admit('t', now, 1_000);
    expect(await store.expireLeases(now + 2_000)).toBe(1);
    expect((await admit('t', now + 2_000)).answer).toBe('OK');
    expect(await bound('t')).toBe(2);
    expect(await store.retakeLease(lapsing.id, 't', now + 32_000, now + 2_000)).toBe(true);
    expect(await bound('t')).toBe(3);
    // Bound 3 = concurrency: the next admission counts (2 live) and is admitted; then the robot is full.
    expect((await admit('t', now + 2_000)).answer).toBe('OK');
    expect((await admit('t', now + 2_000)).answer).toBe('CONCURRENCY_LIMIT');
  });
});
