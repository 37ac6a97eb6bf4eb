// How a kiosk and a wide widget look in dark mode: axe on the kiosk in Chinese (the language switch's 中文),
// and the avatar's dark backdrop filling its whole column on landscape and wide layouts (no light band). With an
// answer: the card is opaque, her shrunk figure fades out instead of ending in a straight edge, and a picture in
// the card is seen whole on a short, wide widget.
import type { Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { ADMIN_KEY, expect, test } from './fixtures.js';
import { admin, axeViolations } from './page-checks.js';

const SHOTS = process.env.DHKIT_UPDATE_SCREENSHOTS ? 'docs/images' : '.tmp/kiosk-shots';

/**
 * The brightest pixel (relative luminance 0–1) of the strips along the left and right edges of `box` in a
 * screenshot, sampled at a few heights: where the avatar's backdrop ends short of its column, the page shows.
 */
async function edgeLuminance(page: Page, png: Buffer, box: { x: number; y: number; width: number; height: number }) {
  const probe = await page.context().newPage();
  try {
    return await probe.evaluate(
      async ({ data, box }) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        const linear = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
        const strip = Math.max(4, Math.round(box.width * 0.04));
        let brightest = 0;
        for (const fraction of [0.15, 0.3, 0.45]) {
          const y = Math.round(box.y + box.height * fraction);
          for (const x0 of [Math.round(box.x) + 2, Math.round(box.x + box.width) - strip - 2]) {
            const pixels = context.getImageData(x0, y, strip, 1).data;
            for (let i = 0; i < pixels.length; i += 4) {
              const l = 0.2126 * linear(pixels[i]) + 0.7152 * linear(pixels[i + 1]) + 0.0722 * linear(pixels[i + 2]);
              brightest = Math.max(brightest, l);
            }
          }
        }
        return brightest;
      },
      { data: png.toString('base64'), box },
    );
  } finally {
    await probe.close();
  }
}

/** How much of the digital human's stage the pack's backdrop covers now (1: all of it), and whether she is answering. */
async function backdropCover(page: Page, selector: string) {
  return page.evaluate((selector) => {
    const human = document.querySelector(selector)!;
    const stage = human.getBoundingClientRect();
    const backdrop = human.shadowRoot!.querySelector('[part="avatar"] canvas.background')!.getBoundingClientRect();
    const cover = (backdrop.width * backdrop.height) / (stage.width * stage.height);
    return { answering: human.hasAttribute('answering'), cover: Math.round(cover * 100) / 100 };
  }, selector);
}

/** Whether the answer card's picture lies inside the card, and whether the card has to scroll to show its content. */
function pictureFit(card: Element) {
  const picture = card.querySelector('img')!.getBoundingClientRect();
  const box = card.getBoundingClientRect();
  return {
    pictureInside: picture.height > 0 && picture.top >= box.top - 1 && picture.bottom <= box.bottom + 1,
    cardScrolls: card.scrollHeight > card.clientHeight + 1,
  };
}

/**
 * The largest step in luminance between two rows of a screenshot, one `gap` px above and one below `y`, over the
 * columns from `x0` to `x1`: where her shrunk figure ends in a straight edge, the suit's dark meets the light
 * backdrop from one row to the next.
 */
async function edgeStep(page: Page, png: Buffer, y: number, x0: number, x1: number, gap = 3) {
  const probe = await page.context().newPage();
  try {
    return await probe.evaluate(
      async ({ data, y, x0, x1, gap }) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        const linear = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
        const row = (at: number) => {
          const pixels = context.getImageData(x0, at, x1 - x0, 1).data;
          const out: number[] = [];
          for (let i = 0; i < pixels.length; i += 4)
            out.push(0.2126 * linear(pixels[i]) + 0.7152 * linear(pixels[i + 1]) + 0.0722 * linear(pixels[i + 2]));
          return out;
        };
        const above = row(y - gap);
        const below = row(y + gap);
        return Math.max(...above.map((l, i) => Math.abs(l - below[i])));
      },
      { data: png.toString('base64'), y: Math.round(y), x0: Math.round(x0), x1: Math.round(x1), gap },
    );
  } finally {
    await probe.close();
  }
}

/** The kiosk example against a fresh dhkit server. */
async function withKiosk(
  robot: Record<string, unknown>,
  hotQuestions: Array<{ language: string; text: string }>,
  run: (url: string) => Promise<void>,
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-kiosk-looks-'));
  const dhkit = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'warn' });
  try {
    expect((await admin(dhkit.url, 'PATCH', '/v1/robots/demo', robot)).status).toBe(200);
    await admin(dhkit.url, 'PUT', '/v1/robots/demo/hot-questions', { hotQuestions });
    process.env.DHKIT_URL = dhkit.url;
    process.env.DHKIT_ADMIN_KEY = ADMIN_KEY;
    const { server: site } = await import(`../examples/kiosk/server.mjs?looks=${encodeURIComponent(dhkit.url)}`);
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(site.address() as AddressInfo).port}`);
    } finally {
      await new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve())));
    }
  } finally {
    await dhkit.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('a kiosk in dark mode, in Chinese: no serious accessibility violation (the language switch included)', async ({ page }) => {
  test.setTimeout(90_000);
  mkdirSync(SHOTS, { recursive: true });
  await withKiosk({ defaultLanguage: 'zh_CN' }, [{ language: 'zh_CN', text: '展厅几点开门' }], async (url) => {
    await page.setViewportSize({ width: 1080, height: 1920 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${url}/?greet=0`);
    await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 30_000 });
    const options = page.locator('dh-kiosk digital-human dh-language-switch [part~="option"]');
    await expect(options.filter({ hasText: '中文' })).toHaveAttribute('aria-pressed', 'true');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/kiosk-zh-dark.png` });
    // The scheme flips while she is on screen: the labels are readable at once, not after an easing of colors
    // (measured in the same task as the flip, so the result does not depend on how busy the machine is).
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(400);
    const contrasts = await page.evaluate(() => {
      const luminance = (color: string) => {
        const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => Number(c) / 255);
        const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
      };
      const ratio = (a: string, b: string) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
      };
      const human = document.querySelector('dh-kiosk digital-human')!;
      const switchElement = human.shadowRoot!.querySelector('dh-language-switch')!;
      const languageSwitch = switchElement.shadowRoot!;
      switchElement.setAttribute('theme', 'dark');
      const base = getComputedStyle(languageSwitch.querySelector('[part="base"]')!).backgroundColor;
      return [...languageSwitch.querySelectorAll<HTMLElement>('[part~="option"]')].map((option) => {
        const style = getComputedStyle(option);
        const behind = option.getAttribute('aria-pressed') === 'true' ? style.backgroundColor : base;
        return { label: option.textContent!.trim(), ratio: Math.round(ratio(style.color, behind) * 10) / 10 };
      });
    });
    for (const { label, ratio } of contrasts) expect(ratio, label).toBeGreaterThanOrEqual(4.5);
    // Back to dark everywhere for the visitor's turn.
    await page.evaluate(() =>
      document.querySelector('dh-kiosk digital-human')!.shadowRoot!.querySelector('dh-language-switch')!.removeAttribute('theme'),
    );
    await page.emulateMedia({ colorScheme: 'dark' });
    // The visitor's turn: the switch stays readable next to the answer, too.
    await page.locator('dh-kiosk').getByRole('button', { name: '开始' }).click();
    await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'active');
    await page.waitForTimeout(400);
    expect(await axeViolations(page)).toEqual([]);
  });
});

test('a portrait kiosk with an answer: an opaque card, and her shrunk figure fades out instead of ending in an edge', async ({ page }) => {
  test.setTimeout(90_000);
  mkdirSync(SHOTS, { recursive: true });
  await withKiosk({ defaultLanguage: 'en_US' }, [{ language: 'en_US', text: 'what are the opening hours' }], async (url) => {
    await page.setViewportSize({ width: 1080, height: 1920 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${url}/?greet=0`);
    await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 30_000 });
    await page.locator('dh-kiosk').getByRole('button', { name: 'Start' }).click();
    const input = page.locator('dh-kiosk digital-human [part~="input"] input').first();
    await input.fill('what are the opening hours');
    await input.press('Enter');
    const answer = page.locator('dh-kiosk digital-human [part~="caption"] [part="answer"]');
    await expect(answer).not.toHaveText('', { timeout: 30_000 });
    await expect(page.locator('dh-kiosk digital-human')).not.toHaveAttribute('speaking', '', { timeout: 30_000 });
    // Nothing of her suit shows through the card behind the text.
    expect(await answer.evaluate((card) => getComputedStyle(card).backgroundColor)).toBe('rgb(255, 255, 255)');
    // Her figure's frame, shrunk (its transition has ended once its box stops changing).
    const figure = page.locator('dh-kiosk digital-human [part="avatar"] > :not(.background)').first();
    const frameBox = () => figure.evaluate((element) => JSON.stringify(element.getBoundingClientRect()));
    let last = '';
    await expect.poll(async () => (last === (last = await frameBox()) ? 'still' : 'moving')).toBe('still');
    const frame = (await figure.boundingBox())!;
    const card = (await answer.boundingBox())!;
    expect(frame.y + frame.height).toBeLessThan(1900);
    const png = await page.screenshot({ path: `${SHOTS}/kiosk-answer-fade.png` });
    // Beside the card, across the row where the frame ends: no step from suit to backdrop.
    const step = await edgeStep(page, png, frame.y + frame.height, frame.x, card.x - 2);
    expect(step).toBeLessThan(0.1);
  });
});

test('a landscape kiosk (1920×1080) in dark mode: the avatar backdrop fills its column', async ({ page }) => {
  test.setTimeout(90_000);
  mkdirSync(SHOTS, { recursive: true });
  await withKiosk({ defaultLanguage: 'en_US' }, [{ language: 'en_US', text: 'where is the showroom' }], async (url) => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${url}/?greet=0`);
    await expect(page.locator('dh-kiosk')).toHaveAttribute('state', 'attract', { timeout: 30_000 });
    await page.waitForTimeout(400);
    const box = (await page.locator('dh-kiosk digital-human').boundingBox())!;
    expect(await edgeLuminance(page, await page.screenshot({ path: `${SHOTS}/kiosk-landscape-dark.png` }), box)).toBeLessThan(0.2);
    // With an answer the avatar makes room for the card: her column stays dark to its edges.
    await page.locator('dh-kiosk').getByRole('button', { name: 'Start' }).click();
    const input = page.locator('dh-kiosk digital-human [part~="input"] input').first();
    await input.fill('where is the showroom');
    await input.press('Enter');
    await expect(page.locator('dh-kiosk digital-human [part~="caption"] [part="answer"]')).not.toHaveText('', { timeout: 30_000 });
    await expect(page.locator('dh-kiosk digital-human')).not.toHaveAttribute('speaking', '', { timeout: 30_000 });
    await page.waitForTimeout(600);
    // Its picture is seen whole, not cut off by the card.
    const answer = page.locator('dh-kiosk digital-human [part~="caption"] [part="answer"]');
    await expect.poll(() => answer.evaluate((card) => card.querySelector('img')?.complete === true)).toBe(true);
    expect(await answer.evaluate(pictureFit)).toEqual({ pictureInside: true, cardScrolls: false });
    const answered = await page.screenshot({ path: `${SHOTS}/kiosk-landscape-answer-dark.png` });
    expect(await edgeLuminance(page, answered, box)).toBeLessThan(0.2);
    expect(await backdropCover(page, 'dh-kiosk digital-human')).toEqual({ answering: true, cover: 1 });
  });
});

test('the widget on a wide page in dark mode: the avatar backdrop fills the widget', async ({ page, server }) => {
  test.setTimeout(60_000);
  mkdirSync(SHOTS, { recursive: true });
  const site = createServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>wide widget</title>
<style>html,body{margin:0;height:100%;background:#f8fafc} #dh{position:fixed;left:40px;right:40px;top:40px;height:520px}</style></head>
<body><main><div id="dh"></div></main><script src="${server.url}/sdk/dhkit.umd.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  try {
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
    const onceCode = await server.onceCode();
    await page.evaluate(
      async ({ serverAddress, onceCode }) => {
        (window as any).dh = await (window as any).DHKit.create({
          serverAddress,
          robotId: 'demo',
          onceCode,
          containerId: 'dh',
          config: { enableCaption: true, showLanguageUI: true },
        });
      },
      { serverAddress: server.url, onceCode },
    );
    await page.evaluate(() => (window as any).dh.sendTextQuestion({ text: 'where is the showroom' }));
    await expect(page.locator('#dh digital-human [part~="caption"] [part="answer"]')).not.toHaveText('', { timeout: 30_000 });
    await expect(page.locator('#dh digital-human')).not.toHaveAttribute('speaking', '', { timeout: 30_000 });
    await page.waitForTimeout(600);
    // The answer's picture is seen whole: inside the card, which needs no scrolling to show it.
    const answer = page.locator('#dh digital-human [part~="caption"] [part="answer"]');
    await expect.poll(() => answer.evaluate((card) => card.querySelector('img')?.complete === true)).toBe(true);
    expect(await answer.evaluate(pictureFit)).toEqual({ pictureInside: true, cardScrolls: false });
    const png = await page.screenshot({ path: `${SHOTS}/widget-wide-dark.png` });
    const box = (await page.locator('#dh digital-human').boundingBox())!;
    expect(await edgeLuminance(page, png, box)).toBeLessThan(0.2);
    expect(await backdropCover(page, '#dh digital-human')).toEqual({ answering: true, cover: 1 });
    await page.evaluate(() => (window as any).dh.destroy());
  } finally {
    await new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve())));
  }
});
