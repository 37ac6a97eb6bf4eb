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
  await expect.poll(() => page.evaluate(() => (document.querySelector('#dh digital-human') as any).mouthOpenness), { timeout: 2_000 }).toBe(0);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (document.querySelector('#dh digital-human') as any).mouthOpenness)).toBe(0);
  await expect(element.locator('[part~="caption"] [part="answer"]')).toHaveText('');
  await expect(element.locator('[part~="caption"] [part="clause"]')).toHaveText('');
  await expect(element).not.toHaveAttribute('answering', '');
});
