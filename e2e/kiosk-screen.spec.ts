// An unattended kiosk's screen (examples/kiosk against a real dhkit server): it asks for the Screen Wake Lock when
// it starts, asks again when the page comes back after the browser dropped the lock, and goes full screen on the
// first tap. The browser's Wake Lock is replaced by a recording one (headless Chromium has no screen to keep on);
// requestFullscreen is recorded and then left to the browser.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { ADMIN_KEY, expect, test } from './fixtures.js';

test('the kiosk keeps the screen on, takes the lock again after the browser drops it, and goes full screen on a tap', async ({ page }) => {
  test.setTimeout(90_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-kiosk-screen-'));
  const dhkit = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'warn' });
  process.env.DHKIT_URL = dhkit.url;
  process.env.DHKIT_ADMIN_KEY = ADMIN_KEY;
  const { server: site } = await import(`../examples/kiosk/server.mjs?screen=${encodeURIComponent(dhkit.url)}`);
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  try {
    await page.addInitScript(() => {
      const w = window as any;
      w.__wake = { requests: [] as string[], sentinels: [] as EventTarget[] };
      Object.defineProperty(navigator, 'wakeLock', {
        value: {
          request: async (type: string) => {
            w.__wake.requests.push(type);
            const sentinel = new EventTarget() as EventTarget & { release(): Promise<void> };
            sentinel.release = async () => void sentinel.dispatchEvent(new Event('release'));
            w.__wake.sentinels.push(sentinel);
            return sentinel;
          },
        },
      });
      w.__fullscreenCalls = 0;
      const native = Element.prototype.requestFullscreen;
      Element.prototype.requestFullscreen = function (this: Element, options?: FullscreenOptions) {
        w.__fullscreenCalls++;
        return native.call(this, options);
      };
    });
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/?greet=0`);
    await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 30_000 });
    await page.waitForFunction(() => (window as any).kiosk);

    // Asked for at start, held.
    await page.waitForFunction(() => (window as any).kiosk.screenAwake === true);
    expect(await page.evaluate(() => (window as any).__wake.requests)).toEqual(['screen']);
    expect(await page.evaluate(() => (window as any).__fullscreenCalls)).toBe(0);

    // The browser drops the lock (the page was hidden); when the page is visible again the kiosk takes it again.
    await page.evaluate(() => (window as any).__wake.sentinels[0].release());
    await page.waitForFunction(() => (window as any).kiosk.screenAwake === false);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.waitForFunction(() => (window as any).kiosk.screenAwake === true);
    expect(await page.evaluate(() => (window as any).__wake.requests)).toEqual(['screen', 'screen']);

    // The first tap (a user gesture) asks for full screen.
    const box = (await page.locator('dh-kiosk').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + 20);
    await page.waitForFunction(() => (window as any).__fullscreenCalls >= 1);
  } finally {
    await new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve())));
    await dhkit.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
