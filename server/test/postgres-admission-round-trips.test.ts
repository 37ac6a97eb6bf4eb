/**
 * Admission on PostgreSQL costs one round trip to the database: every query the server's pg clients send is
 * counted (pg.Client#query wrapped in this test process, where the server runs), and an admission of a robot
 * this process has seen sends exactly one, the dhkit_admit call, whatever its answer. The robot copy that
 * makes this possible never goes stale: a change made through another process is seen by the next admission.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { sha256Hex } from '../src/security/secrets.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { recordStatements } from './statement-recorder.js';

const available = postgresAvailable();
let cluster: PostgresCluster;
let server: RunningServer;
/** The other process: its own pool on the same database. */
let elsewhere: PostgresStore;
/** Reads the tables for the checks. */
let direct: pg.Pool;
let recorder: ReturnType<typeof recordStatements> | undefined;
const sent = (): string[] => recorder!.sent;

beforeAll(async () => {
  if (!available) return;
  cluster = await startPostgresCluster();
  const databaseUrl = await cluster.createDatabase('roundtrips');
  // A long lease TTL: no renewal (every TTL/3) runs while a test counts.
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: tempDir(),
    adminKey: ADMIN_KEY,
    demo: false,
    logLevel: 'silent',
    databaseUrl,
    leaseTtlMs: 600_000,
  });
  elsewhere = await PostgresStore.connect(databaseUrl, { maxConnections: 1 });
  direct = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  recorder = recordStatements();
}, 120_000);

afterAll(async () => {
  recorder?.stop();
  await elsewhere?.close();
  await direct?.end();
  await server?.close();
  await cluster?.stop();
});

async function call(method: string, route: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + route, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { error?: { code: string } } };
}

async function onceCode(robotId: string): Promise<string> {
  return ((await call('POST', `/v1/robots/${robotId}/once-codes`, {}, ADMIN)).json as { onceCode: string }).onceCode;
}

/** The knowledge-revision poll, on a timer of its own (every 2 s): not part of any request. */
const REVISION_POLL = /FROM settings WHERE key LIKE/;

/** The queries the server sent while `work` ran (the revision poll left out). */
async function queriesDuring(work: () => Promise<unknown>): Promise<string[]> {
  sent().length = 0;
  await work();
  return sent().filter((text) => !REVISION_POLL.test(text));
}

describe.skipIf(!available)('admission on PostgreSQL', () => {
  it('is one round trip, the dhkit_admit call, once the process has read the robot', async () => {
    await call('POST', '/v1/robots', { id: 'trips', name: 'Trips', concurrency: 2 }, ADMIN);
    const codes = [await onceCode('trips'), await onceCode('trips'), await onceCode('trips')];
    // The first admission reads the robot (this process had no copy): two.
    const first = await queriesDuring(async () =>
      expect((await call('POST', '/v1/sessions', { robotId: 'trips', onceCode: codes[0] })).status).toBe(201),
    );
    expect(first).toHaveLength(2);
    const second = await queriesDuring(async () =>
      expect((await call('POST', '/v1/sessions', { robotId: 'trips', onceCode: codes[1] })).status).toBe(201),
    );
    expect(second).toHaveLength(1);
    expect(second[0]).toMatch(/dhkit_admit\(/);
    // A refusal decided in the function is one round trip too.
    const full = await queriesDuring(async () =>
      expect((await call('POST', '/v1/sessions', { robotId: 'trips', onceCode: codes[2] })).json.error?.code).toBe('CONCURRENCY_LIMIT'),
    );
    expect(full).toHaveLength(1);
  });

  it('checks the once-code lockout kept in the database in that same round trip', async () => {
    await call('POST', '/v1/robots', { id: 'locked', name: 'Locked', concurrency: 10 }, ADMIN);
    // The default policy: 10 failures within a minute lock the client (address + robot).
    for (let i = 0; i < 10; i++) {
      const wrong = await call('POST', '/v1/sessions', { robotId: 'locked', onceCode: `wrong-code-${i}-0123456789` });
      expect(wrong.json.error?.code).toBe('ONCE_CODE_INVALID');
    }
    const code = await onceCode('locked');
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    const queries = await queriesDuring(async () => (refused = await call('POST', '/v1/sessions', { robotId: 'locked', onceCode: code })));
    expect(refused!.status).toBe(429);
    expect(refused!.json.error?.code).toBe('ONCE_CODE_LOCKED');
    expect(queries).toHaveLength(1);
    // The code was not spent: the lockout refused before it was looked at.
    const { rows } = await direct.query<{ unspent: number }>(
      'SELECT COUNT(*)::int AS unspent FROM once_codes WHERE used_at IS NULL AND robot_id = $1',
      ['locked'],
    );
    expect(rows[0]!.unspent).toBe(1);
  });

  it('counts a failed guess in that same round trip; a spent code retried through another process counts nothing', async () => {
    await call('POST', '/v1/robots', { id: 'guessed', name: 'Guessed', concurrency: 10 }, ADMIN);
    expect((await call('POST', '/v1/sessions', { robotId: 'guessed', onceCode: await onceCode('guessed') })).status).toBe(201);
    const guess = await queriesDuring(async () =>
      expect((await call('POST', '/v1/sessions', { robotId: 'guessed', onceCode: 'wrong-code-0123456789' })).json.error?.code).toBe(
        'ONCE_CODE_INVALID',
      ),
    );
    expect(guess).toHaveLength(1);
    expect(guess[0]).toMatch(/dhkit_admit\(/);
    const failures = async () =>
      (await direct.query<{ failures: number }>("SELECT failures FROM once_code_failures WHERE lock_key LIKE '%|guessed'")).rows[0]
        ?.failures;
    expect(await failures()).toBe(1);
    // A code spent through the other process, then sent here 12 times (a page retrying): refused, never a guess.
    const code = await onceCode('guessed');
    const now = Date.now();
    const spentElsewhere = await elsewhere.admitSession({
      robotId: 'guessed',
      codeHash: sha256Hex(code),
      now,
      session: {
        id: 's_elsewhere',
        robotId: 'guessed',
        tokenHash: 'x',
        language: 'en_US',
        origin: null,
        createdAt: now,
        leaseExpiresAt: now + 60_000,
      },
    });
    expect(spentElsewhere.ok).toBe(true);
    for (let i = 0; i < 12; i++) {
      const retry = await call('POST', '/v1/sessions', { robotId: 'guessed', onceCode: code });
      expect(retry.json.error?.code).toBe('ONCE_CODE_INVALID');
    }
    expect(await failures()).toBe(1);
  });

  it("keeps the lockout's rules in the call: a window, the failure that reaches the limit locks, the lock runs out", async () => {
    await call('POST', '/v1/robots', { id: 'windowed', name: 'Windowed', concurrency: 10 }, ADMIN);
    const policy = { maxFailures: 3, windowMs: 1_000, lockMs: 5_000 };
    const t = Date.now();
    let n = 0;
    const guessAt = (now: number) =>
      elsewhere.admitSession({
        robotId: 'windowed',
        codeHash: `no-such-code-${++n}`,
        now,
        lockKey: 'client|windowed',
        failurePolicy: policy,
        session: {
          id: `s_windowed_${n}`,
          robotId: 'windowed',
          tokenHash: 'x',
          language: 'en_US',
          origin: null,
          createdAt: now,
          leaseExpiresAt: now + 60_000,
        },
      });
    expect(await guessAt(t)).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await guessAt(t + 10)).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    // The window is over: the count starts again, so two more failures do not lock yet, the third does.
    expect(await guessAt(t + 2_000)).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await guessAt(t + 2_010)).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await guessAt(t + 2_020)).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    expect(await guessAt(t + 2_030)).toEqual({ ok: false, reason: 'ONCE_CODE_LOCKED', retryAfterMs: 4_990 });
    // The lock ran out: a guess is looked at again, and counts one failure of a fresh count.
    expect(await guessAt(t + 7_021)).toEqual({ ok: false, reason: 'ONCE_CODE_INVALID' });
    const { rows } = await direct.query<{ failures: number }>("SELECT failures FROM once_code_failures WHERE lock_key = 'client|windowed'");
    expect(rows[0]!.failures).toBe(1);
  });

  it('sees a robot changed through another process at the next admission, without spending the code', async () => {
    await call('POST', '/v1/robots', { id: 'moved', name: 'Moved', concurrency: 5, allowedOrigins: ['https://a.example'] }, ADMIN);
    const fromA = { origin: 'https://a.example' };
    expect((await call('POST', '/v1/sessions', { robotId: 'moved', onceCode: await onceCode('moved') }, fromA)).status).toBe(201);
    const robot = (await elsewhere.getRobot('moved'))!;
    await elsewhere.updateRobot({ ...robot, allowedOrigins: ['https://b.example'], updatedAt: new Date().toISOString() });

    const code = await onceCode('moved');
    // The function finds the copy out of date (nothing written), the row is read again, and its origins refuse.
    const queries = await queriesDuring(async () =>
      expect((await call('POST', '/v1/sessions', { robotId: 'moved', onceCode: code }, fromA)).json.error?.code).toBe('ORIGIN_NOT_ALLOWED'),
    );
    expect(queries).toHaveLength(2);
    expect((await call('POST', '/v1/sessions', { robotId: 'moved', onceCode: code }, { origin: 'https://b.example' })).status).toBe(201);
  });

  it('answers ROBOT_NOT_FOUND for a robot deleted through another process', async () => {
    await call('POST', '/v1/robots', { id: 'gone', name: 'Gone', concurrency: 5 }, ADMIN);
    expect((await call('POST', '/v1/sessions', { robotId: 'gone', onceCode: await onceCode('gone') })).status).toBe(201);
    const code = await onceCode('gone');
    await elsewhere.deleteRobot('gone');
    const refused = await call('POST', '/v1/sessions', { robotId: 'gone', onceCode: code });
    expect(refused.status).toBe(404);
    expect(refused.json.error?.code).toBe('ROBOT_NOT_FOUND');
  });
});
