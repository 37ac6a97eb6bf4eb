/**
 * create() as frameworks use it, in real Chromium: `onceCode` as a function (called for every session), and
 * `destroy()` on the promise of a create() that has not resolved yet (React StrictMode mounts, cleans up and
 * mounts again; a Vue component may unmount early). The cancelled create() rejects with CANCELLED and leaves
 * no session behind: a robot with concurrency 1 admits the next visitor at once.
 */
import { expect, test } from './fixtures.js';

test.describe('create() cancelled by destroy()', () => {
  test.beforeEach(async ({ server, blankPage }) => {
    if ((await server.admin('GET', '/v1/robots/solo')).status === 404) {
      const { status } = await server.admin('POST', '/v1/robots', { id: 'solo', name: 'Solo', concurrency: 1, languages: ['en_US'] });
      expect(status).toBe(201);
    }
    let minted = 0;
    await blankPage.exposeFunction('mintOnceCode', async () => {
      minted++;
      return server.onceCode('solo');
    });
    await blankPage.exposeFunction('mintedCount', () => minted);
  });

  const liveSessions = async (server: { admin(method: string, path: string): Promise<{ json: any }> }) =>
    (await server.admin('GET', '/v1/robots/solo/sessions')).json.sessions.length as number;

  test('mount → destroy → mount with a function onceCode ends with one ready digital human', async ({ server, blankPage }) => {
    const result = await blankPage.evaluate(async (serverAddress) => {
      const w = window as any;
      const options = { serverAddress, robotId: 'solo', onceCode: () => w.mintOnceCode(), containerId: 'dh' };
      const first = w.DHKit.create(options);
      const firstOutcome = first.then(
        () => 'resolved',
        (error: any) => `${error.name} ${error.code}`,
      );
      await first.destroy();
      const second = await w.DHKit.create(options);
      w.dh = second;
      return {
        first: await firstOutcome,
        state: second.getJobInfo().state,
        views: document.querySelectorAll('#dh digital-human').length,
        minted: await w.mintedCount(),
      };
    }, server.url);
    expect(result).toEqual({ first: 'DHKitError CANCELLED', state: 'READY', views: 1, minted: 2 });
    expect(await liveSessions(server)).toBe(1);
    await blankPage.evaluate(() => (window as any).dh.destroy());
    await expect.poll(() => liveSessions(server)).toBe(0);
  });

  test('destroy() after admission, before ready, ends the session before it resolves', async ({ server, blankPage }) => {
    // The avatar's first frame waits for its pack: holding the pack keeps create() pending after admission.
    let releasePack!: () => void;
    const packHeld = new Promise<void>((resolve) => (releasePack = resolve));
    await blankPage.route('**/avatars/**', async (route) => {
      await packHeld;
      await route.continue().catch(() => undefined);
    });
    const admitted = blankPage.waitForResponse((response) => response.url().endsWith('/v1/sessions') && response.status() === 201);
    await blankPage.evaluate((serverAddress) => {
      const w = window as any;
      w.pending = w.DHKit.create({ serverAddress, robotId: 'solo', onceCode: () => w.mintOnceCode(), containerId: 'dh' });
      w.outcome = w.pending.then(
        () => 'resolved',
        (error: any) => error.code,
      );
    }, server.url);
    await admitted;
    expect(await liveSessions(server)).toBe(1);

    await blankPage.evaluate(() => (window as any).pending.destroy());
    // Freed before destroy() resolved: the next visitor is admitted at once, with no wait for a lease to run out.
    const next = await server.admin('POST', '/v1/robots/solo/once-codes', {});
    const admission = await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ robotId: 'solo', onceCode: next.json.onceCode }),
    });
    expect(admission.status).toBe(201);
    const session = await admission.json();
    releasePack();
    expect(await blankPage.evaluate(() => (window as any).outcome)).toBe('CANCELLED');
    expect(await blankPage.evaluate(() => document.querySelectorAll('#dh digital-human').length)).toBe(0);
    await fetch(`${server.url}/v1/sessions/${session.sessionId}/end`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ token: session.token }),
    });
  });

  test('a string onceCode still works, and destroy() on the resolved promise destroys the digital human', async ({ server, blankPage }) => {
    const onceCode = await server.onceCode('solo');
    const state = await blankPage.evaluate(
      async ({ serverAddress, onceCode }) => {
        const w = window as any;
        const pending = w.DHKit.create({ serverAddress, robotId: 'solo', onceCode, containerId: 'dh' });
        const dh = await pending;
        const ready = dh.getJobInfo().state;
        await pending.destroy();
        return [ready, dh.getJobInfo().state];
      },
      { serverAddress: server.url, onceCode },
    );
    expect(state).toEqual(['READY', 'ENDED']);
    await expect.poll(() => liveSessions(server)).toBe(0);
  });
});

test.describe('a new session on the same digital human', () => {
  test('after the session ended, startNewSession() admits again with a fresh code from the onceCode function', async ({
    server,
    blankPage,
  }) => {
    const { status } = await server.admin('POST', '/v1/robots', { id: 'again', name: 'Again', concurrency: 1, languages: ['en_US'] });
    expect(status).toBe(201);
    await blankPage.exposeFunction('mintAgainCode', () => server.onceCode('again'));
    const first = await blankPage.evaluate(async (serverAddress) => {
      const w = window as any;
      w.dh = await w.DHKit.create({ serverAddress, robotId: 'again', onceCode: () => w.mintAgainCode(), containerId: 'dh' });
      w.ended = new Promise((resolve) => w.dh.on('jobEnd', resolve));
      return w.dh.getJobInfo().sessionId;
    }, server.url);
    expect((await server.admin('DELETE', `/v1/sessions/${first}`)).status).toBeLessThan(300);
    const result = await blankPage.evaluate(async () => {
      const w = window as any;
      const ended = await w.ended;
      await w.dh.startNewSession();
      const answered = new Promise((resolve) => w.dh.on('speakingStart', resolve));
      w.dh.sendTextQuestion({ text: 'hello' });
      await answered;
      return { reason: ended.reason, job: w.dh.getJobInfo() };
    });
    expect(result.reason).toBe('KICKED');
    expect(result.job.state).toBe('CHATTING');
    expect(result.job.sessionId).not.toBe(first);
    await blankPage.evaluate(() => (window as any).dh.destroy());
  });

  test('two overlapping startNewSession() calls share one new session: one admission, one slot on the server', async ({
    server,
    blankPage,
  }) => {
    const { status } = await server.admin('POST', '/v1/robots', { id: 'twice', name: 'Twice', concurrency: 3, languages: ['en_US'] });
    expect(status).toBe(201);
    let minted = 0;
    await blankPage.exposeFunction('mintTwiceCode', () => (minted++, server.onceCode('twice')));
    const first = await blankPage.evaluate(async (serverAddress) => {
      const w = window as any;
      w.dh = await w.DHKit.create({ serverAddress, robotId: 'twice', onceCode: () => w.mintTwiceCode(), containerId: 'dh' });
      return w.dh.getJobInfo().sessionId;
    }, server.url);
    const result = await blankPage.evaluate(async () => {
      const w = window as any;
      const settled = await Promise.allSettled([w.dh.startNewSession(), w.dh.startNewSession()]);
      return { outcomes: settled.map((s) => s.status), job: w.dh.getJobInfo() };
    });
    expect(result.outcomes).toEqual(['fulfilled', 'fulfilled']);
    expect(result.job.state).toBe('READY');
    expect(result.job.sessionId).not.toBe(first);
    // The first session's code and one more: the second call asked for no session of its own.
    expect(minted).toBe(2);
    // The first session's bye is handled on the server as the channel closes; the new one holds the only slot.
    const liveSessions = async () =>
      (await server.admin('GET', '/v1/robots/twice/sessions')).json.sessions.map((s: { sessionId: string }) => s.sessionId);
    await expect.poll(liveSessions).toEqual([result.job.sessionId]);
    await blankPage.evaluate(() => (window as any).dh.destroy());
  });
});
