// A session that ends while she speaks leaves nothing behind: the mouth closes, the avatar idles, the
// answer and the caption are cleared.
import { createRecorded, expect, test, waitForEvent } from './fixtures.js';

test('a kick mid-answer closes the mouth and clears the answer and caption', async ({ blankPage: page, server }) => {
  await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true });
  const chatId = await page.evaluate(() => (window as any).dh.sendTextQuestion({ text: 'where is the showroom' }).chatId);
  await waitForEvent(page, 'speakingStart', chatId);
  const element = page.locator('#dh digital-human');
  await expect(element.locator('[part~="caption"] [part="answer"]')).not.toHaveText('');
  await expect.poll(() => page.evaluate(() => (window as any).__mouthMax)).toBeGreaterThan(0.1);
  const sessionId = await page.evaluate(() => (window as any).dh.getJobInfo().sessionId);
  expect((await server.admin('DELETE', `/v1/sessions/${sessionId}`)).status).toBeLessThan(300);
  await waitForEvent(page, 'jobEnd');
  await expect(element).toHaveAttribute('state', 'ENDED');
  // The mouth closes within a few frames and stays closed.
  await expect
    .poll(() => page.evaluate(() => (document.querySelector('#dh digital-human') as any).mouthOpenness), { timeout: 2_000 })
    .toBe(0);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (document.querySelector('#dh digital-human') as any).mouthOpenness)).toBe(0);
  await expect(element.locator('[part~="caption"] [part="answer"]')).toHaveText('');
  await expect(element.locator('[part~="caption"] [part="clause"]')).toHaveText('');
  await expect(element).not.toHaveAttribute('answering', '');
});

test('jobEndMention shows a countdown; continue keeps the session, and it ends when no one answers', async ({
  blankPage: page,
  server,
}) => {
  test.setTimeout(60_000);
  const robot = 'countdown';
  expect((await server.admin('POST', '/v1/robots', { id: robot, name: 'Countdown', concurrency: 1, idleTimeoutSeconds: 10 })).status).toBe(
    201,
  );
  await page.evaluate(
    async ({ serverAddress, robotId, onceCode }) => {
      const w = window as any;
      w.__ends = [];
      w.dh = await w.DHKit.create({ serverAddress, robotId, onceCode, containerId: 'dh', config: { enableCaption: true } });
      w.dh.on('jobEnd', (e: any) => w.__ends.push({ ...e, t: performance.now() }));
    },
    { serverAddress: server.url, robotId: robot, onceCode: await server.onceCode(robot) },
  );
  const startedAt = Date.now();
  const element = page.locator('#dh digital-human');
  const countdown = element.locator('[part="end-countdown"]');
  await expect(countdown).toBeVisible({ timeout: 10_000 });
  await expect(countdown).toContainText(/Are you still there\?|您还在吗？/);
  // Announced once to screen readers (the robot speaks Chinese by default; the UI follows it).
  await expect(element.getByRole('status').filter({ hasText: /Press Continue|按“继续”/ })).toHaveCount(1);
  await countdown.locator('[part="continue"]').click();
  await expect(countdown).toHaveCount(0);
  // Past the first deadline the session lives on; the moved deadline is announced again, then it ends.
  await page.waitForTimeout(Math.max(0, 11_000 - (Date.now() - startedAt)));
  await expect(element).not.toHaveAttribute('state', 'ENDED');
  await expect(countdown).toBeVisible({ timeout: 10_000 });
  await expect(element).toHaveAttribute('state', 'ENDED', { timeout: 15_000 });
  await expect(countdown).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__ends.map((e: any) => e.reason))).toEqual(['IDLE_TIMEOUT']);
});

test('before the maximum duration, Continue is never a dead button: the card shrinks to a line that counts to the end', async ({
  blankPage: page,
  server,
}) => {
  test.setTimeout(60_000);
  const robot = 'time-limit';
  const created = await server.admin('POST', '/v1/robots', {
    id: robot,
    name: 'Time limit',
    concurrency: 1,
    defaultLanguage: 'en_US',
    languages: ['en_US'],
    maxSessionSeconds: 12,
  });
  expect(created.status).toBe(201);
  await page.evaluate(
    async ({ serverAddress, robotId, onceCode }) => {
      const w = window as any;
      w.__mentions = [];
      w.__ends = [];
      w.dh = await w.DHKit.create({ serverAddress, robotId, onceCode, containerId: 'dh', config: { enableCaption: true } });
      w.dh.on('jobEndMention', (e: any) => w.__mentions.push(e));
      w.dh.on('jobEnd', (e: any) => w.__ends.push(e.reason));
    },
    { serverAddress: server.url, robotId: robot, onceCode: await server.onceCode(robot) },
  );
  const element = page.locator('#dh digital-human');
  const countdown = element.locator('[part="end-countdown"]');
  await expect(countdown).toBeVisible({ timeout: 12_000 });
  await expect(countdown).toContainText('Time is almost up');
  await expect(element.getByRole('status').filter({ hasText: 'reaches its time limit' })).toHaveCount(1);
  expect(await page.evaluate(() => (window as any).__mentions.map((e: any) => e.reason))).toEqual(['MAX_DURATION']);
  await countdown.locator('[part="continue"]').click();
  // The card gives way to one line that keeps counting; the button is gone, and the visitor can still talk.
  await expect(countdown.locator('[part="continue"]')).toHaveCount(0);
  const first = Number((await countdown.textContent())?.match(/\d+/)?.[0]);
  await expect.poll(async () => Number((await countdown.textContent())?.match(/\d+/)?.[0]), { timeout: 4_000 }).toBeLessThan(first);
  await expect(element.locator('[part~="input"] input').first()).toBeEnabled();
  await expect(element).toHaveAttribute('state', 'ENDED', { timeout: 12_000 });
  await expect(countdown).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__ends)).toEqual(['MAX_DURATION']);
});

test('after an end, "start again" opens a new session on the same element (onceCode as a function)', async ({
  blankPage: page,
  server,
}) => {
  test.setTimeout(60_000);
  const codes = [await server.onceCode(), await server.onceCode()];
  await page.evaluate(
    async ({ serverAddress, codes }) => {
      const w = window as any;
      w.dh = await w.DHKit.create({
        serverAddress,
        robotId: 'demo',
        onceCode: async () => codes.shift(),
        containerId: 'dh',
        config: { enableCaption: true },
      });
      w.firstSession = w.dh.getJobInfo().sessionId;
    },
    { serverAddress: server.url, codes },
  );
  const element = page.locator('#dh digital-human');
  await expect(element.locator('[part="start-again"]')).toHaveCount(0);
  const first = await page.evaluate(() => (window as any).firstSession);
  expect((await server.admin('DELETE', `/v1/sessions/${first}`)).status).toBeLessThan(300);
  await expect(element).toHaveAttribute('state', 'ENDED', { timeout: 10_000 });
  await element.locator('[part="start-again"]').click();
  await expect(element).toHaveAttribute('state', 'READY', { timeout: 15_000 });
  await expect(element.locator('[part="start-again"]')).toHaveCount(0);
  const second = await page.evaluate(() => (window as any).dh.getJobInfo().sessionId);
  expect(second).toBeTruthy();
  expect(second).not.toBe(first);
  // The new session answers, with sound.
  const input = element.locator('[part~="input"] input').first();
  await input.fill('hello');
  await input.press('Enter');
  await expect(element).toHaveAttribute('speaking', '', { timeout: 15_000 });
  await expect(element).not.toHaveAttribute('speaking', '', { timeout: 30_000 });
  await expect(element.locator('[part~="caption"] [part="answer"]')).not.toHaveText('');
});
