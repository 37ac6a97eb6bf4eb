// Orders of events that must never keep a kiosk from its next visitor, each made to happen on purpose
// (examples/kiosk against a real dhkit server): two resets in the same tick, a reset while a fresh session
// is being opened, the network coming back while a retry is under way, the server ending a session while
// the visitor's reset runs.
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { ADMIN_KEY, expect, test } from './fixtures.js';
import { admin } from './page-checks.js';

type Dhkit = Awaited<ReturnType<typeof startServer>>;

async function liveSessions(dhkit: Dhkit): Promise<string[]> {
  const { json } = await admin(dhkit.url, 'GET', '/v1/robots/demo/sessions');
  return (json.sessions as Array<{ sessionId: string }>).map((s) => s.sessionId);
}

/** The kiosk page, with every state it passes through recorded from the start. */
async function openKiosk(page: Page, dhkit: Dhkit) {
  process.env.DHKIT_URL = dhkit.url;
  process.env.DHKIT_ADMIN_KEY = ADMIN_KEY;
  const { server: site } = await import(`../examples/kiosk/server.mjs?races=${encodeURIComponent(dhkit.url)}`);
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  await page.addInitScript(() => {
    (window as any).__states = [];
    const watch = () => {
      const kiosk = document.querySelector('dh-kiosk');
      if (!kiosk) return requestAnimationFrame(watch);
      new MutationObserver(() => (window as any).__states.push(kiosk.getAttribute('state'))).observe(kiosk, { attributes: true });
    };
    requestAnimationFrame(watch);
  });
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/?greet=0&retryMax=2`);
  await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 30_000 });
  await page.waitForFunction(() => (window as any).kiosk);
  return { close: () => new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve()))) };
}

const statesSince = async (page: Page) => page.evaluate(() => (window as any).__states.splice(0) as string[]);
const jobId = (page: Page) => page.evaluate(() => (window as any).kiosk.current?.getJobInfo().jobId as string | undefined);

test.describe('kiosk event orders', () => {
  let dhkit: Dhkit;
  let dataDir: string;
  test.beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dhkit-kiosk-races-'));
    dhkit = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'warn' });
    expect((await admin(dhkit.url, 'PATCH', '/v1/robots/demo', { concurrency: 3, defaultLanguage: 'en_US' })).status).toBe(200);
  });
  test.afterEach(async () => {
    await dhkit.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('two resets in the same tick open one fresh session, and the kiosk is back in the attract loop', async ({ page }) => {
    test.setTimeout(90_000);
    const site = await openKiosk(page, dhkit);
    try {
      const before = await jobId(page);
      await statesSince(page);
      await page.evaluate(() => {
        const kiosk = (window as any).kiosk;
        void kiosk.reset();
        void kiosk.reset();
      });
      await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 20_000 });
      // Settled: no late failure of the other open flips it to offline afterwards.
      await page.waitForTimeout(3000);
      expect(await statesSince(page)).toEqual(['resetting', 'attract']);
      const after = await jobId(page);
      expect(after).toBeTruthy();
      expect(after).not.toBe(before);
      // Exactly one session held: the kiosk's; none left behind to fill the robot's slots.
      await expect.poll(() => liveSessions(dhkit), { timeout: 10_000 }).toEqual([after]);
    } finally {
      await site.close();
    }
  });

  test('the server ends the session while the visitor reset runs: one fresh session, attract', async ({ page }) => {
    test.setTimeout(90_000);
    const site = await openKiosk(page, dhkit);
    try {
      const [held] = await liveSessions(dhkit);
      await statesSince(page);
      // The kick's sessionEnd (a jobEnd) and the visitor's reset race each other.
      const kicked = admin(dhkit.url, 'DELETE', `/v1/sessions/${held}`);
      await page.evaluate(() => void (window as any).kiosk.reset());
      expect((await kicked).status).toBe(204);
      await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 20_000 });
      await page.waitForTimeout(3000);
      expect(await page.locator('dh-kiosk').getAttribute('state')).toBe('attract');
      expect(await statesSince(page)).not.toContain('offline');
      const after = await jobId(page);
      await expect.poll(() => liveSessions(dhkit), { timeout: 10_000 }).toEqual([after]);
    } finally {
      await site.close();
    }
  });

  test('the network comes back while a retry is under way: one open, then attract', async ({ page }) => {
    test.setTimeout(90_000);
    const site = await openKiosk(page, dhkit);
    try {
      // The server goes away for a moment: the kiosk notices (health check) and retries.
      const [held] = await liveSessions(dhkit);
      await admin(dhkit.url, 'DELETE', `/v1/sessions/${held}`);
      await page.route('**/v1/sessions', (route) => route.abort('internetdisconnected'));
      await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'offline', { timeout: 20_000 });
      await page.unroute('**/v1/sessions');
      await statesSince(page);
      // The network is back: the browser says so (twice, as a flapping link does) while the kiosk shows offline.
      await page.evaluate(() => {
        window.dispatchEvent(new Event('online'));
        window.dispatchEvent(new Event('online'));
      });
      await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 20_000 });
      await page.waitForTimeout(3000);
      expect(await statesSince(page)).toEqual(['attract']);
      const after = await jobId(page);
      await expect.poll(() => liveSessions(dhkit), { timeout: 10_000 }).toEqual([after]);
    } finally {
      await site.close();
    }
  });
});
