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
