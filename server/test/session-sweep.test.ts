// The registry's sweep looks only at the sessions whose deadline has come (not at every session every second), and
// admission builds a session's channel parts only when a channel attaches: a session that never opens one can be
// kicked, and the sweep still ends it on time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

const SESSIONS = 100;
const CHANNEL_OPEN_MS = 60_000;
let app: FastifyInstance;

beforeAll(async () => {
  const { createApp } = await import('../src/app.js');
  app = await createApp({
    dataDir: tempDir(),
    adminKey: ADMIN_KEY,
    demo: false,
    logLevel: 'silent',
    sessionTimeouts: { channelOpenMs: CHANNEL_OPEN_MS },
  });
});
afterAll(() => app.close());

async function admit(robotId: string): Promise<string> {
  const code = (await app.inject({ method: 'POST', url: `/v1/robots/${robotId}/once-codes`, headers: ADMIN })).json().onceCode;
  const admitted = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { robotId, onceCode: code } });
  expect(admitted.statusCode).toBe(201);
  return admitted.json().sessionId;
}

describe('session sweep', () => {
  it('looks at no session before its deadline, then at each due one once, and ends it', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/robots',
      headers: ADMIN,
      payload: { id: 'sweep', name: 'Sweep', concurrency: SESSIONS },
    });
    expect(created.statusCode).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i++) ids.push(await admit('sweep'));
    const { registry, store } = app.dhkit.context;
    const admittedBy = Date.now();
    expect(registry.size).toBe(SESSIONS);

    // Well inside the channel-open grace: nothing is looked at, however many sessions there are.
    expect(registry.sweep(admittedBy)).toBe(0);
    expect(registry.sweep(admittedBy + CHANNEL_OPEN_MS / 2)).toBe(0);

    // A kicked session (no channel ever attached: its turns were never made) leaves the schedule with it.
    expect((await app.inject({ method: 'DELETE', url: `/v1/sessions/${ids[0]}`, headers: ADMIN })).statusCode).toBe(204);
    expect(registry.size).toBe(SESSIONS - 1);

    // Past the grace: each remaining session is looked at once and ended; a later sweep has nothing left.
    expect(registry.sweep(admittedBy + CHANNEL_OPEN_MS + 1000)).toBe(SESSIONS - 1);
    expect(registry.size).toBe(0);
    expect(registry.sweep(admittedBy + 10 * CHANNEL_OPEN_MS)).toBe(0);
    await expect.poll(() => store.countLiveSessions('sweep', Date.now())).toBe(0);
    expect(await store.getSession(ids[1]!)).toMatchObject({ endReason: 'CHANNEL_NOT_OPENED' });
    expect(await store.getSession(ids[0]!)).toMatchObject({ endReason: 'KICKED' });
  });
});
