// examples/kiosk at 1080×1920 with short timeouts: three visitors in a row, and between the second and the
// third the dhkit server is stopped for 20 s and started again on the same port and data dir. The kiosk
// recovers by itself, with no page reload and no input but the visitors' own. Screenshots of each state.
import type { Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { ADMIN_KEY, expect, test } from './fixtures.js';
import { admin, axeViolations } from './page-checks.js';

const SHOTS = process.env.DHKIT_UPDATE_SCREENSHOTS ? 'docs/images' : '.tmp/kiosk-shots';

async function startDhkit(dataDir: string, port = 0) {
  return startServer({ port, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'warn' });
}

/** The example's backend, pointed at a dhkit server. */
async function startKioskSite(dhkitUrl: string) {
  process.env.DHKIT_URL = dhkitUrl;
  process.env.DHKIT_ADMIN_KEY = ADMIN_KEY;
  // The example reads its environment when loaded: a fresh copy of the module per dhkit server.
  const { server: site } = await import(`../examples/kiosk/server.mjs?dhkit=${encodeURIComponent(dhkitUrl)}`);
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve()))),
  };
}

/** A screenshot in each color scheme (`name.png`, `name-dark.png`); the page goes back to light. */
async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/${name}-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });
  // Colors ease over 150 ms: what comes next (axe's contrast check) must see the settled light scheme.
  await page.waitForTimeout(300);
}

const kioskState = (page: Page) => page.locator('dh-kiosk').getAttribute('state');

/** The all-day run's idle timing (seconds): the countdown shows for WARN_S of the RESET_S without input. */
const RESET_S = 45;
const WARN_S = 20;
/** The most a fresh session may take to open on a loaded machine: admission, channel handshake, first frame. */
const OPEN_SESSION_MS = 15_000;
/** setInterval's drift over the countdown's seconds on a loaded machine. */
const TIMER_SLACK_MS = 3_000;

/**
 * Records, in the page, when the kiosk changes state and when the "still there?" card appears; and whether its live
 * region ever said that a try to reconnect is under way (`__retryAnnounced`: it says so only while the try runs).
 */
async function recordKioskTimeline(page: Page) {
  await page.addInitScript(() => {
    const timeline: Array<{ what: string; at: number }> = [];
    (window as any).__timeline = timeline;
    const watch = () => {
      const kiosk = document.querySelector('dh-kiosk');
      if (!kiosk?.shadowRoot) return requestAnimationFrame(watch);
      let counting = false;
      new MutationObserver(() => timeline.push({ what: kiosk.getAttribute('state') ?? '', at: Date.now() })).observe(kiosk, {
        attributeFilter: ['state'],
      });
      new MutationObserver(() => {
        const shown = !!kiosk.shadowRoot!.querySelector('[part="countdown"]');
        if (shown && !counting) timeline.push({ what: 'countdown', at: Date.now() });
        counting = shown;
      }).observe(kiosk.shadowRoot, { childList: true, subtree: true });
      new MutationObserver(() => {
        const announcer = kiosk.shadowRoot!.querySelector('[part="announcer"]');
        if (announcer?.textContent?.includes('Trying again now')) (window as any).__retryAnnounced = true;
      }).observe(kiosk.shadowRoot, { childList: true, subtree: true, characterData: true });
    };
    requestAnimationFrame(watch);
  });
}
async function waitForState(page: Page, state: string, timeout = 20_000) {
  await expect(page.locator('dh-kiosk')).toHaveAttribute('state', state, { timeout });
}

/** A visitor walks up, asks by typing, hears the answer; returns the answer shown. */
async function visit(page: Page, question: string, shot?: string): Promise<string> {
  const kiosk = page.locator('dh-kiosk');
  await kiosk.getByRole('button', { name: 'Start' }).click();
  await waitForState(page, 'active', 5_000);
  const input = page.locator('dh-kiosk digital-human [part~="input"] input').first();
  await expect(input).toBeFocused();
  await input.fill(question);
  await input.press('Enter');
  const element = page.locator('dh-kiosk digital-human');
  await expect(element).toHaveAttribute('speaking', '', { timeout: 15_000 });
  await expect(element).not.toHaveAttribute('speaking', '', { timeout: 30_000 });
  const answer = ((await page.locator('dh-kiosk digital-human [part~="caption"] [part="answer"]').textContent()) ?? '').trim();
  expect(answer.length).toBeGreaterThan(5);
  if (shot) await shoot(page, shot);
  return answer;
}

/**
 * The visitor walks away: "still there?" counts down (announced once), then a fresh session waits. The countdown
 * itself lasts WARN_S seconds from when it shows, and the fresh session opens after it: the wait for the attract
 * loop covers both (a wait of WARN_S alone made the run fail whenever this test saw the card late by less
 * than the session took to open), and the timeline checks each step on its own.
 */
async function leave(page: Page, previousAnswer: string, shot?: string): Promise<void> {
  const countdown = page.locator('dh-kiosk [part="countdown"]');
  await page.evaluate(() => (window as any).__timeline.splice(0));
  await expect(countdown).toBeVisible({ timeout: 45_000 });
  await expect(page.locator('dh-kiosk [part="announcer"]')).toContainText('Are you still there?');
  if (shot) await shoot(page, shot);
  await waitForState(page, 'attract', WARN_S * 1000 + TIMER_SLACK_MS + OPEN_SESSION_MS);
  const timeline: Array<{ what: string; at: number }> = await page.evaluate(() => (window as any).__timeline.splice(0));
  const at = (what: string) => timeline.find((entry) => entry.what === what)?.at ?? Number.NaN;
  expect(timeline.map((entry) => entry.what)).toEqual(['countdown', 'resetting', 'attract']);
  // The reset comes when the countdown runs out, not before; the fresh session is ready soon after.
  expect(at('resetting') - at('countdown')).toBeGreaterThanOrEqual(WARN_S * 1000 - 1000);
  expect(at('resetting') - at('countdown')).toBeLessThanOrEqual(WARN_S * 1000 + TIMER_SLACK_MS);
  expect(at('attract') - at('resetting')).toBeLessThanOrEqual(OPEN_SESSION_MS);
  // Nothing of the previous conversation: no answer, no caption, not the text anywhere on the screen.
  await expect(page.locator('dh-kiosk digital-human [part~="caption"] [part="answer"]')).toHaveText('');
  await expect(page.getByText(previousAnswer.slice(0, 30))).toHaveCount(0);
  await expect(page.locator('dh-kiosk digital-human [part~="input"] input').first()).toHaveValue('');
  // The next visitor's session is a startNewSession() on the same digital human, not a second element.
  await expect(page.locator('dh-kiosk digital-human')).toHaveCount(1);
  expect(await page.evaluate(() => (document.querySelector('dh-kiosk digital-human') as any).__sinceFirstVisitor)).toBe(true);
}

test.describe('a kiosk all day', () => {
  test('a kiosk serves three visitors in a row and recovers from a server restart by itself', async ({ page }) => {
    test.setTimeout(420_000);
    mkdirSync(SHOTS, { recursive: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-kiosk-'));
    let dhkit = await startDhkit(dataDir);
    const port = dhkit.port;
    // The hall's language (robot configuration, not an input on the kiosk).
    expect((await admin(dhkit.url, 'PATCH', '/v1/robots/demo', { defaultLanguage: 'en_US' })).status).toBe(200);
    await admin(dhkit.url, 'PUT', '/v1/robots/demo/hot-questions', {
      hotQuestions: [
        { language: 'en_US', text: 'what are the opening hours' },
        { language: 'en_US', text: 'where is the showroom' },
      ],
    });
    const site = await startKioskSite(dhkit.url);
    let navigations = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
    await recordKioskTimeline(page);
    try {
      await page.setViewportSize({ width: 1080, height: 1920 });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${site.url}/?reset=${RESET_S}&warn=${WARN_S}&greet=0&retryMax=3`);
      await page.evaluate(() => ((window as any).__samePage = true));
      await waitForState(page, 'attract', 30_000);
      await expect(page.locator('dh-kiosk [part="attract"]')).toContainText('Tap the screen or say hello');
      // Standing-distance type scale at 1080×1920: body text ≥ 28 px, controls ≥ 64 px.
      const sizes = await page.evaluate(() => {
        const kiosk = document.querySelector('dh-kiosk')!;
        const start = kiosk.shadowRoot!.querySelector('.primary')!;
        return { body: parseFloat(getComputedStyle(kiosk).fontSize), control: start.getBoundingClientRect().height };
      });
      expect(sizes.body).toBeGreaterThanOrEqual(28);
      expect(sizes.control).toBeGreaterThanOrEqual(64);
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, 'kiosk-attract');
      await page.evaluate(() => ((document.querySelector('dh-kiosk digital-human') as any).__sinceFirstVisitor = true));

      const first = await visit(page, 'what are the opening hours', 'kiosk-answer');
      const bodySize = await page.evaluate(() => {
        const captions = document.querySelector('dh-kiosk digital-human')!.shadowRoot!.querySelector('dh-captions')!;
        return parseFloat(getComputedStyle(captions.shadowRoot!.querySelector('[part="answer"]')!).fontSize);
      });
      expect(bodySize).toBeGreaterThanOrEqual(28);
      expect(await axeViolations(page)).toEqual([]);
      await leave(page, first, 'kiosk-still-there');

      const second = await visit(page, 'hello');
      // The second visitor types something and walks away without sending it: it must not wait for the third.
      await page.locator('dh-kiosk digital-human [part~="input"] input').first().fill('my account number is');
      await leave(page, second);

      // The server goes away for 20 s, then comes back on the same port with the same data.
      const stoppedAt = Date.now();
      await dhkit.close();
      await waitForState(page, 'offline', 20_000);
      await expect(page.locator('dh-kiosk [part="announcer"]')).toContainText('Reconnecting');
      await shoot(page, 'kiosk-offline');
      // Each try while the server is away is announced as it starts (retryMax=3: a try at least every 3 s).
      await expect.poll(() => page.evaluate(() => (window as any).__retryAnnounced === true), { timeout: 15_000 }).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.waitForTimeout(Math.max(0, 20_000 - (Date.now() - stoppedAt)));
      dhkit = await startDhkit(dataDir, port);
      await waitForState(page, 'attract', 30_000);

      const third = await visit(page, 'where is the showroom');
      expect(third).not.toBe(second);
      expect(await page.evaluate(() => (document.querySelector('dh-kiosk digital-human') as any).__sinceFirstVisitor)).toBe(true);
      expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
      expect(navigations).toBe(1);
    } finally {
      await site.close();
      await dhkit.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

test('all assistants busy: the kiosk says so and comes back by itself when one is free', async ({ page }) => {
  test.setTimeout(90_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-kiosk-'));
  const dhkit = await startDhkit(dataDir);
  expect((await admin(dhkit.url, 'PATCH', '/v1/robots/demo', { concurrency: 0, defaultLanguage: 'en_US' })).status).toBe(200);
  const site = await startKioskSite(dhkit.url);
  try {
    await page.setViewportSize({ width: 1080, height: 1920 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${site.url}/?greet=0&retryMax=2`);
    await waitForState(page, 'busy', 20_000);
    await expect(page.locator('dh-kiosk [part="outage"]')).toContainText('All assistants are busy');
    await expect(page.locator('dh-kiosk [part="announcer"]')).toContainText('All assistants are busy');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/kiosk-busy-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: `${SHOTS}/kiosk-busy.png` });
    expect((await admin(dhkit.url, 'PATCH', '/v1/robots/demo', { concurrency: 2 })).status).toBe(200);
    await waitForState(page, 'attract', 20_000);
    expect(await kioskState(page)).toBe('attract');
    expect(await axeViolations(page)).toEqual([]);
  } finally {
    await site.close();
    await dhkit.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a kiosk that starts while every assistant is taken shows the busy card from the start, then serves', async ({ page }) => {
  test.setTimeout(90_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-kiosk-'));
  const dhkit = await startDhkit(dataDir);
  expect((await admin(dhkit.url, 'PATCH', '/v1/robots/demo', { concurrency: 1, defaultLanguage: 'en_US' })).status).toBe(200);
  // Someone else holds the robot's one slot (admitted, as another page would be).
  const minted = await admin(dhkit.url, 'POST', '/v1/robots/demo/once-codes', {});
  const held = await fetch(`${dhkit.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ robotId: 'demo', onceCode: minted.json.onceCode }),
  }).then((response) => response.json());
  expect(held.sessionId).toBeTruthy();
  const site = await startKioskSite(dhkit.url);
  try {
    await page.setViewportSize({ width: 1080, height: 1920 });
    await page.emulateMedia({ colorScheme: 'light' });
    // Every state the frame passes through, from the first paint on.
    await page.addInitScript(() => {
      (window as any).__states = [];
      const watch = () => {
        const kiosk = document.querySelector('dh-kiosk');
        if (!kiosk) return requestAnimationFrame(watch);
        (window as any).__states.push(kiosk.getAttribute('state'));
        new MutationObserver(() => (window as any).__states.push(kiosk.getAttribute('state'))).observe(kiosk, { attributes: true });
      };
      requestAnimationFrame(watch);
    });
    await page.goto(`${site.url}/?greet=0&retryMax=2`);
    await waitForState(page, 'busy', 20_000);
    const outage = page.locator('dh-kiosk [part="outage"]');
    await expect(outage).toContainText('All assistants are busy');
    await expect(outage).toContainText(/Trying again in \d+ s/);
    // Never an empty frame: only the welcome veil, then the busy card.
    const seen = await page.evaluate(() => [...new Set((window as any).__states as string[])]);
    expect(seen).toEqual(['starting', 'busy']);
    // Behind the card, the digital human: her avatar drawn (the pack's backdrop is on its canvas), not an empty frame.
    await expect(page.locator('dh-kiosk digital-human')).toHaveCount(1);
    await expect
      .poll(() =>
        page.evaluate(() => {
          const human = document.querySelector('dh-kiosk digital-human')!;
          return (human.shadowRoot!.querySelector('[part="avatar"] canvas.background') as HTMLCanvasElement | null)?.width ?? 0;
        }),
      )
      .toBeGreaterThan(1);
    // Her own status line does not contradict the card ("The conversation has ended." before anyone came).
    await expect(page.locator('dh-kiosk digital-human [part="status"]')).toBeHidden();
    await page.screenshot({ path: `${SHOTS}/kiosk-busy-at-start.png` });
    expect(await axeViolations(page)).toEqual([]);
    // The slot frees: the kiosk comes back by itself, with its digital human.
    const ended = await fetch(`${dhkit.url}/v1/sessions/${held.sessionId}/end`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ token: held.token }),
    });
    expect(ended.status).toBeLessThan(300);
    await waitForState(page, 'attract', 20_000);
    await expect(page.locator('dh-kiosk digital-human')).toHaveCount(1);
  } finally {
    await site.close();
    await dhkit.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
