// examples/script-tag as a customer would run it: their own backend mints once-codes, their page on another
// origin (strict CSP) embeds the SDK by script tag.
import type { AddressInfo } from 'node:net';
import { ADMIN_KEY, expect, test } from './fixtures.js';

test('the script-tag example embeds the avatar cross-origin and answers', async ({ page, server }) => {
  process.env.DHKIT_URL = server.url;
  process.env.DHKIT_ADMIN_KEY = ADMIN_KEY;
  const { server: site } = await import('../examples/script-tag/server.mjs');
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  try {
    const violations: string[] = [];
    await page.exposeFunction('__reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as any).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
      ),
    );
    await page.goto(siteUrl);
    expect(new URL(siteUrl).origin).not.toBe(new URL(server.url).origin);
    await page.waitForFunction(() => (window as any).dh !== undefined, null, { timeout: 15_000 });
    // The page is in English and the demo robot starts in Chinese: the example switches it, so the UI is in English.
    await expect(page.locator('#avatar digital-human [part~="input"] [part="field"]')).toHaveAttribute('placeholder', 'Ask me anything…');
    const chatId = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const dh = (window as any).dh;
          const { chatId } = dh.sendTextQuestion({ text: 'hello' });
          dh.on('speakingStop', (e: any) => e.chatId === chatId && resolve(chatId));
        }),
    );
    expect(chatId).toBeTruthy();
    await expect(page.locator('#avatar digital-human [part~="caption"]')).toBeAttached();
    await expect(page.locator('#status')).toHaveText('');
    expect(violations).toEqual([]);
  } finally {
    await new Promise((resolve) => site.close(resolve));
  }
});
