/** The audit log in both stores: written and listed the same way, newest first, paged, per robot, never a secret. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import type { AuditEntryInput } from '../src/store/audit-log.js';
import { tempDir } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const backends: Array<{ name: string; open(): Promise<Store> }> = [
  { name: 'SQLite', open: async () => SqliteStore.open(tempDir()) },
  { name: 'PostgreSQL', open: async () => PostgresStore.connect(await cluster.createDatabase()) },
];

const entry = (n: number, robotId: string | null, details: unknown = { n }): AuditEntryInput => ({
  at: Date.UTC(2026, 0, 1, 0, 0, n),
  action: 'robot.update',
  method: 'PATCH',
  route: '/v1/robots/:id',
  robotId,
  target: robotId,
  status: 200,
  details,
});

describe.each(backends)('audit log: $name', (backend) => {
  it('lists newest first, pages back with beforeId, filters by robot', async () => {
    const store = await backend.open();
    for (let n = 1; n <= 5; n++) await store.recordAudit(entry(n, n % 2 ? 'odd' : 'even'));
    const all = await store.listAudit({ limit: 10 });
    expect(all.map((e) => e.details)).toEqual([{ n: 5 }, { n: 4 }, { n: 3 }, { n: 2 }, { n: 1 }]);
    expect(all[0]).toMatchObject({ action: 'robot.update', method: 'PATCH', route: '/v1/robots/:id', robotId: 'odd', status: 200 });
    expect(all[0].at).toBe('2026-01-01T00:00:05.000Z');
    const page = await store.listAudit({ limit: 2, beforeId: all[1].id });
    expect(page.map((e) => e.details)).toEqual([{ n: 3 }, { n: 2 }]);
    expect((await store.listAudit({ limit: 10, robotId: 'even' })).map((e) => e.details)).toEqual([{ n: 4 }, { n: 2 }]);
    await store.close();
  });

  it('never stores a secret, however deep, and cuts huge details', async () => {
    const store = await backend.open();
    const details = { brain: { type: 'openai', apiKey: 'sk-live-abcdef0123456789' }, media: { livekit: { apiSecret: 'lk-secret-xyz' } } };
    await store.recordAudit(entry(1, 'r', details));
    await store.recordAudit(entry(2, 'r', { answer: 'x'.repeat(10_000) }));
    const [huge, secretive] = await store.listAudit({ limit: 2 });
    expect(JSON.stringify(secretive)).not.toMatch(/sk-live|lk-secret/);
    expect(secretive.details).toEqual({ brain: { type: 'openai', apiKey: '[secret]' }, media: { livekit: { apiSecret: '[secret]' } } });
    expect(huge.details).toMatchObject({ truncated: true });
    await store.close();
  });
});
