/**
 * PostgreSQL admissions queued in one event-loop turn go as one dhkit_admit_many statement (migration 11), and each
 * is still decided as it would be alone: a refusal refuses only that admission, the live count stays exact through
 * the batch (admissions in it, leases lapsing between their clocks), failed guesses lock the key within the batch,
 * and an admission that makes the statement fail (a duplicate session id) fails alone while the others are admitted.
 * One statement is out per process at a time: what arrives meanwhile goes as the next one, all together.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRobot } from '../src/robots/robot.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import type { AdmissionRequest, AdmissionResult } from '../src/store/store.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { recordStatements } from './statement-recorder.js';

const available = postgresAvailable();
let cluster: PostgresCluster;
let store: PostgresStore;
let databaseUrl: string;
let recorder: ReturnType<typeof recordStatements> | undefined;
const sent = (): string[] => recorder!.sent;
const now = Date.now();
const POLICY = { maxFailures: 3, windowMs: 60_000, lockMs: 300_000 };

beforeAll(async () => {
  if (!available) return;
  cluster = await startPostgresCluster();
  recorder = recordStatements();
}, 120_000);

afterAll(async () => {
  recorder?.stop();
  await cluster?.stop();
});

beforeEach(async () => {
  if (!available) return;
  databaseUrl = await cluster.createDatabase();
  store = await PostgresStore.connect(databaseUrl, { maxConnections: 4 });
});
afterEach(() => store?.close());

let sessions = 0;
function request(robotId: string, codeHash: string, extra: Partial<AdmissionRequest> & { at?: number; leaseMs?: number } = {}) {
  const { at = now, leaseMs = 30_000, ...rest } = extra;
  const id = `s-${++sessions}`;
  return {
    robotId,
    codeHash,
    now: at,
    session: { id, robotId, tokenHash: `h-${id}`, language: 'zh_CN' as const, origin: null, createdAt: at, leaseExpiresAt: at + leaseMs },
    ...rest,
  } satisfies AdmissionRequest;
}

/** Starts every admission in the same turn (one batch) and settles them all; also returns the queries sent. */
async function together(requests: AdmissionRequest[]): Promise<{ results: PromiseSettledResult<AdmissionResult>[]; queries: string[] }> {
  sent().length = 0;
  const results = await Promise.allSettled(requests.map((r) => store.admitSession(r)));
  return { results, queries: [...sent()] };
}

const answers = (results: PromiseSettledResult<AdmissionResult>[]) =>
  results.map((r) => (r.status === 'rejected' ? 'error' : r.value.ok ? 'OK' : r.value.reason));

async function codes(robotId: string, ...hashes: string[]) {
  for (const codeHash of hashes) await store.createOnceCode({ codeHash, robotId, expiresAt: now + 60_000 });
}

describe.skipIf(!available)('PostgreSQL admissions in one statement', () => {
  it('answers each admission of a batch as alone, in one dhkit_admit_many statement', async () => {
    await store.createRobot(buildRobot({ id: 'a', name: 'A', concurrency: 2 }));
    await store.createRobot(buildRobot({ id: 'b', name: 'B', concurrency: 5 }));
    await codes('a', 'a1', 'a2', 'a3');
    await codes('b', 'b1', 'b2');
    await store.createOnceCode({ codeHash: 'gone', robotId: 'b', expiresAt: now - 1 });
    const revision = (await store.admissionRobot('b', true))!.revision!;
    const { results, queries } = await together([
      request('b', 'b1', { robotRevision: revision }),
      request('a', 'a1'),
      request('a', 'a2'),
      request('a', 'a3'),
      request('b', 'b1'),
      request('b', 'gone'),
      request('b', 'a1'),
      request('nobody', 'x'),
      request('b', 'b2', { robotRevision: `${revision}0` }),
    ]);
    expect(answers(results)).toEqual([
      'OK',
      'OK',
      'OK',
      'CONCURRENCY_LIMIT',
      'ONCE_CODE_INVALID',
      'ONCE_CODE_INVALID',
      'ONCE_CODE_INVALID',
      'ROBOT_NOT_FOUND',
      'ROBOT_CHANGED',
    ]);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/dhkit_admit_many\(/);
    expect(await store.countLiveSessions('a', now)).toBe(2);
    expect(await store.countLiveSessions('b', now)).toBe(1);
    // The refused code of the full robot and the stale copy's code were not spent.
    await store.endSession('s-2', 'BYE', now);
    expect(answers((await together([request('a', 'a3'), request('b', 'b2')])).results)).toEqual(['OK', 'OK']);
  });

  it('keeps the live count exact through a batch: a lease lapsing between two clocks frees its slot, an earlier clock not', async () => {
    await store.createRobot(buildRobot({ id: 'r', name: 'R', concurrency: 2 }));
    await codes('r', 'c1', 'c2', 'c3', 'c4', 'c5');
    // Two sessions, one of them lapsing 1 s from now.
    expect(answers((await together([request('r', 'c1', { leaseMs: 1000 }), request('r', 'c2')])).results)).toEqual(['OK', 'OK']);
    const { results } = await together([
      request('r', 'c3'), // full now
      request('r', 'c4', { at: now + 2000 }), // the short lease has lapsed: a slot
      request('r', 'c5', { at: now + 500 }), // earlier clock: both leases held, and the one admitted just now
    ]);
    expect(answers(results)).toEqual(['CONCURRENCY_LIMIT', 'OK', 'CONCURRENCY_LIMIT']);
    expect(await store.countLiveSessions('r', now + 2000)).toBe(2);
  });

  it('counts failed guesses within the batch: the guess that reaches the limit locks, the next is refused as locked', async () => {
    await store.createRobot(buildRobot({ id: 'g', name: 'G', concurrency: 5 }));
    await codes('g', 'real');
    const guess = (code: string) => request('g', code, { lockKey: '10.0.0.1|g', failurePolicy: POLICY });
    const { results } = await together([
      guess('x1'),
      guess('x2'),
      guess('x3'),
      guess('real'),
      request('g', 'y', { lockKey: '10.0.0.2|g' }),
    ]);
    // Sorted by robot, then in their order: three failures lock the key before the real code comes.
    expect(answers(results)).toEqual([
      'ONCE_CODE_INVALID',
      'ONCE_CODE_INVALID',
      'ONCE_CODE_INVALID',
      'ONCE_CODE_LOCKED',
      'ONCE_CODE_INVALID',
    ]);
    expect(await store.sharedLimits.onceCodeLockState('10.0.0.1|g', now)).toMatchObject({ lockedForMs: POLICY.lockMs });
    expect(await store.sharedLimits.onceCodeLockState('10.0.0.2|g', now)).toEqual({ lockedForMs: 0, hasFailures: false });
  });

  it('an admission that fails the statement fails alone: the others are admitted, each sent again by itself', async () => {
    await store.createRobot(buildRobot({ id: 'd', name: 'D', concurrency: 5 }));
    await codes('d', 'd1', 'd2', 'd3', 'd4');
    const first = request('d', 'd1');
    expect(answers((await together([first])).results)).toEqual(['OK']);
    const duplicate = { ...request('d', 'd3'), session: { ...first.session, createdAt: now } };
    const { results, queries } = await together([request('d', 'd2'), duplicate, request('d', 'd4')]);
    expect(answers(results)).toEqual(['OK', 'error', 'OK']);
    expect(queries.filter((q) => /dhkit_admit_many\(/.test(q))).toHaveLength(1);
    expect(queries.filter((q) => /dhkit_admit\(/.test(q))).toHaveLength(3);
    expect(await store.countLiveSessions('d', now)).toBe(3);
    // The failed one's code was not spent.
    expect(answers((await together([request('d', 'd3')])).results)).toEqual(['OK']);
  });

  it('sends one statement at a time: the admissions arriving while it is out go together as the next one', async () => {
    await store.createRobot(buildRobot({ id: 'e', name: 'E', concurrency: 20 }));
    await codes('e', ...Array.from({ length: 9 }, (_, i) => `e${i}`));
    // Another connection holds the robot's admission lock, so the first statement waits in the database.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended('dhkit-admission:e', 0))`);
      sent().length = 0;
      const admitted = [store.admitSession(request('e', 'e0'))];
      const waiting = "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted";
      while ((await holder.query<{ n: number }>(waiting)).rows[0]!.n === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // Eight more, each in an event-loop turn of its own, while the first is out.
      for (let i = 1; i < 9; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        admitted.push(store.admitSession(request('e', `e${i}`)));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sent().filter((q) => /dhkit_admit/.test(q))).toHaveLength(1);
      await holder.query('COMMIT');
      expect(answers(await Promise.allSettled(admitted))).toEqual(Array(9).fill('OK'));
      expect(
        sent()
          .filter((q) => /dhkit_admit/.test(q))
          .map((q) => /dhkit_admit(_many)?\(/.exec(q)![0]),
      ).toEqual(['dhkit_admit(', 'dhkit_admit_many(']);
    } finally {
      await holder.end();
    }
    expect(await store.countLiveSessions('e', now)).toBe(9);
  });
});
