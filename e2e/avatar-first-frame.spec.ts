/**
 * The default pack's pre-composited first frame (manifest `firstFrame`, made by the pack build from the SVG parts): a
 * create() draws it with no SVG part loaded, and the layers that take over after ready show the same still picture, so
 * nothing jumps or blurs when they do. Compared tile by tile on the canvas, so a picture out of step with its parts (an
 * SVG changed, the build not run again) fails here; screenshots of both for a phone, a widget and a kiosk, light and dark.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createRecorded, expect, test } from './fixtures.js';

const SHOTS = join('.tmp', 'avatar-shots');
/** Device pixels a side of the tiles compared. */
const TILE = 12;
/** The most a tile may differ (mean per channel, 0..255): edges antialiased at another scale and WebP's losses pass. */
const TILE_TOLERANCE = 12;
/** The most the whole picture may differ (mean per channel). */
const MEAN_TOLERANCE = 1.5;

const LOOKS = [
  { name: 'widget-light', size: [360, 540], dpr: 1, colorScheme: 'light', background: true },
  { name: 'widget-dark', size: [360, 540], dpr: 1, colorScheme: 'dark', background: true },
  { name: 'phone-light', size: [390, 560], dpr: 3, colorScheme: 'light', background: true },
  { name: 'phone-dark', size: [390, 560], dpr: 3, colorScheme: 'dark', background: true },
  { name: 'kiosk-light', size: [1080, 1920], dpr: 1, colorScheme: 'light', background: true },
  { name: 'kiosk-dark', size: [1080, 1920], dpr: 1, colorScheme: 'dark', background: true },
  { name: 'widget-transparent', size: [360, 540], dpr: 2, colorScheme: 'light', background: false },
] as const;

/** Keeps what the visitor sees on the avatar's canvases (backdrop under figure) as `window[key]`. */
async function keepFrame(page: Page, key: string): Promise<void> {
  await page.evaluate(async (key) => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const root = document.querySelector('#dh digital-human')!.shadowRoot!;
    const figure = root.querySelector('[part="avatar"] canvas:not(.background)') as HTMLCanvasElement;
    const backdrop = root.querySelector('[part="avatar"] canvas.background') as HTMLCanvasElement;
    const both = document.createElement('canvas');
    both.width = figure.width;
    both.height = figure.height;
    const ctx = both.getContext('2d')!;
    // A transparent avatar is seen over the page: over grey, the colours of its half-transparent edges count as seen.
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, both.width, both.height);
    if (backdrop.width === figure.width) ctx.drawImage(backdrop, 0, 0);
    ctx.drawImage(figure, 0, 0);
    (window as any)[key] = ctx.getImageData(0, 0, both.width, both.height);
  }, key);
}

/** The mean difference per channel of two kept frames: over all, and of the worst tile. */
function compareFrames(page: Page, a: string, b: string) {
  return page.evaluate(
    ({ a, b, tile }) => {
      const x = (window as any)[a] as ImageData;
      const y = (window as any)[b] as ImageData;
      if (x.width !== y.width || x.height !== y.height) return { mean: Infinity, worstTile: Infinity, width: x.width };
      let total = 0;
      let worstTile = 0;
      for (let ty = 0; ty < x.height; ty += tile) {
        for (let tx = 0; tx < x.width; tx += tile) {
          let sum = 0;
          let n = 0;
          for (let py = ty; py < Math.min(ty + tile, x.height); py++) {
            for (let px = tx; px < Math.min(tx + tile, x.width); px++) {
              const i = (py * x.width + px) * 4;
              for (let c = 0; c < 4; c++) sum += Math.abs(x.data[i + c] - y.data[i + c]);
              n += 4;
            }
          }
          total += sum;
          worstTile = Math.max(worstTile, sum / n);
        }
      }
      return { mean: total / x.data.length, worstTile, width: x.width };
    },
    { a, b, tile: TILE },
  );
}

for (const look of LOOKS) {
  test.describe(`first frame, ${look.name}`, () => {
    test.use({ viewport: { width: look.size[0], height: look.size[1] }, deviceScaleFactor: look.dpr, colorScheme: look.colorScheme });

    test('is the pre-composited picture, and the layers that follow it after ready show the same', async ({ blankPage: page, server }) => {
      // The SVG parts are held back: the first frame can only be the picture.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const svgs: string[] = [];
      await page.route(
        (url) => url.href.startsWith(`${server.url}/avatars/`) && url.pathname.endsWith('.svg'),
        async (route) => {
          svgs.push(route.request().url());
          await released;
          await route.continue();
        },
      );
      await page.evaluate(([width, height]) => {
        const box = document.getElementById('dh')!;
        box.style.width = `${width}px`;
        box.style.height = `${height}px`;
      }, look.size);
      await createRecorded(page, server.url, await server.onceCode(), { useDefaultBackground: look.background });
      await keepFrame(page, 'picture');
      mkdirSync(SHOTS, { recursive: true });
      await page.locator('#dh').screenshot({ path: join(SHOTS, `first-frame-${look.name}.png`) });
      // The avatar is drawn: not an empty canvas, not the fallback face (which needs no picture at all).
      const drawn = await page.evaluate(() => (window as any).picture.data.some((v: number, i: number) => i % 4 === 3 && v > 0));
      expect(drawn).toBe(true);

      release();
      await page.evaluate(() => (document.querySelector('#dh digital-human') as any).avatar.loaded);
      expect(svgs.length).toBeGreaterThan(0);
      await page.evaluate(() => (document.querySelector('#dh digital-human') as any).avatar.preview({ still: true }));
      await keepFrame(page, 'layers');
      await page.locator('#dh').screenshot({ path: join(SHOTS, `layers-${look.name}.png`) });
      const { mean, worstTile, width } = await compareFrames(page, 'picture', 'layers');
      expect(width).toBe(look.size[0] * look.dpr);
      expect(mean, 'the picture and the layers differ over all: run make-pack.mjs').toBeLessThan(MEAN_TOLERANCE);
      expect(worstTile, 'a part of the picture differs from the layers: run make-pack.mjs').toBeLessThan(TILE_TOLERANCE);
      expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
    });
  });
}
