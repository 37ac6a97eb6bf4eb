/**
 * The shared once-code issuance limit on PostgreSQL grants exactly its burst, however many processes and connections
 * ask at once, and on a key no one has asked for yet: the first takes of a bucket race to create its row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store/postgres-store.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const available = postgresAvailable();
let cluster: PostgresCluster;
let processes: PostgresStore[] = [];

beforeAll(async () => {
  if (!available) return;
  cluster = await startPostgresCluster();
  const databaseUrl = await cluster.createDatabase();
  // Two stores with pools of their own stand for two server processes.
  processes = [
    await PostgresStore.connect(databaseUrl, { maxConnections: 10 }),
    await PostgresStore.connect(databaseUrl, { maxConnections: 10 }),
  ];
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((store) => store.close()));
  await cluster?.stop();
});

describe.skipIf(!available)('issuance tokens on PostgreSQL', () => {
  it('a burst of concurrent takes on fresh buckets grants exactly the burst, never more', async () => {
    // Refill so slow that none comes within the test: every grant is a token of the burst.
    const policy = { burst: 10, perSecond: 0.001 };
    for (let round = 0; round < 5; round++) {
      const key = `fresh-${round}`;
      const now = Date.now();
      const waits = await Promise.all(
        Array.from({ length: 60 }, (_, i) => processes[i % 2].sharedLimits!.takeIssuanceToken(key, policy, now + i)),
      );
      expect(waits.filter((wait) => wait === 0)).toHaveLength(10);
      // Those refused are told how long until the next token: about 1 / perSecond.
      for (const wait of waits.filter((w) => w > 0)) expect(wait).toBeGreaterThan(900_000);
    }
  });

  it('refills at its rate, up to the burst', async () => {
    const policy = { burst: 3, perSecond: 10 };
    const limits = processes[0].sharedLimits!;
    const start = Date.now();
    for (let i = 0; i < 3; i++) expect(await limits.takeIssuanceToken('refill', policy, start)).toBe(0);
    expect(await limits.takeIssuanceToken('refill', policy, start)).toBe(100);
    // 250 ms later two tokens came back (10 per second), and a third waits 50 ms more.
    expect(await processes[1].sharedLimits!.takeIssuanceToken('refill', policy, start + 250)).toBe(0);
    expect(await limits.takeIssuanceToken('refill', policy, start + 250)).toBe(0);
    expect(await limits.takeIssuanceToken('refill', policy, start + 250)).toBe(50);
    // A long pause refills no more than the burst.
    for (let i = 0; i < 3; i++) expect(await limits.takeIssuanceToken('refill', policy, start + 60_000)).toBe(0);
    expect(await limits.takeIssuanceToken('refill', policy, start + 60_000)).toBeGreaterThan(0);
  });
});
