// All assistants busy: create() keeps the element on screen, says so, and gets in by itself once a slot is free.
import { expect, test } from './fixtures.js';

test('CONCURRENCY_LIMIT shows "all assistants are busy" and create() succeeds once a slot frees', async ({ blankPage: page, server }) => {
  test.setTimeout(60_000);
  expect(
    (
      await server.admin('POST', '/v1/robots', {
        id: 'one-seat',
        name: 'One seat',
        concurrency: 1,
        defaultLanguage: 'en_US',
        languages: ['en_US'],
      })
    ).status,
  ).toBe(201);
  const [first, second] = [await server.onceCode('one-seat'), await server.onceCode('one-seat')];
  await page.evaluate(
    async ({ serverAddress, first, second }) => {
      const w = window as any;
      w.first = await w.DHKit.create({ serverAddress, robotId: 'one-seat', onceCode: first, containerId: 'dh2' });
      w.errors = [];
      w.secondDone = w.DHKit.create({
        serverAddress,
        robotId: 'one-seat',
        onceCode: second,
        containerId: 'dh',
        eventListeners: { error: (e: any) => w.errors.push(e.code) },
      }).then((dh: any) => (w.second = dh));
    },
    { serverAddress: server.url, first, second },
  );
  const element = page.locator('#dh digital-human');
  await expect(element.locator('[part~="status"] [part="info"]')).toContainText('All assistants are busy', { timeout: 10_000 });
  await expect(element).toBeVisible();
  await page.evaluate(() => (window as any).first.destroy());
  await page.waitForFunction(() => (window as any).second !== undefined, null, { timeout: 20_000 });
  await expect(element).toHaveAttribute('state', 'READY');
  await expect(element.locator('[part~="status"] [part="info"]')).toHaveText('');
});

test('the headless core retries CONCURRENCY_LIMIT by itself, with error events the page can show (busyWaitMs: 0 opts out)', async ({
  blankPage: page,
  server,
}) => {
  test.setTimeout(60_000);
  expect(
    (
      await server.admin('POST', '/v1/robots', {
        id: 'one-seat-headless',
        name: 'One seat',
        concurrency: 1,
        defaultLanguage: 'en_US',
        languages: ['en_US'],
      })
    ).status,
  ).toBe(201);
  const codes = await Promise.all([1, 2, 3].map(() => server.onceCode('one-seat-headless')));
  await page.evaluate(
    async ({ serverAddress, codes }) => {
      const w = window as any;
      // The page draws its own UI from the headless core's events.
      const core = await import(`${serverAddress}/sdk/dhkit-core.esm.js`);
      const robotId = 'one-seat-headless';
      w.first = await core.create({ serverAddress, robotId, onceCode: codes[0] });
      w.optedOut = await core.create({ serverAddress, robotId, onceCode: codes[1], busyWaitMs: 0 }).then(
        () => 'admitted',
        (error: any) => error.code,
      );
      w.busyEvents = [];
      w.secondDone = core
        .create({
          serverAddress,
          robotId,
          onceCode: codes[2],
          eventListeners: { error: (e: any) => w.busyEvents.push({ code: e.code, retryInMs: e.retryInMs }) },
        })
        .then((dh: any) => (w.second = dh));
    },
    { serverAddress: server.url, codes },
  );
  expect(await page.evaluate(() => (window as any).optedOut)).toBe('CONCURRENCY_LIMIT');
  // Each refusal is an `error` with the wait before the next try (back-off from 2 s, jittered).
  await page.waitForFunction(() => (window as any).busyEvents.length >= 2, null, { timeout: 20_000 });
  const events = await page.evaluate(() => (window as any).busyEvents);
  expect(events[0].code).toBe('CONCURRENCY_LIMIT');
  expect(events[0].retryInMs).toBeGreaterThanOrEqual(1600);
  expect(events[1].retryInMs).toBeGreaterThan(events[0].retryInMs * 1.2);
  await page.evaluate(() => (window as any).first.destroy());
  await page.waitForFunction(() => (window as any).second !== undefined, null, { timeout: 30_000 });
  expect(await page.evaluate(() => (window as any).second.getJobInfo().state)).toBe('READY');
  await page.evaluate(() => (window as any).second.destroy());
});
