/**
 * What a cold create() does first, in real Chromium (a fresh browser context per test): the admission leaves before the
 * avatar's pictures (admission, channel and welcome are the longer way to ready), the first frame is the pack's
 * pre-composited picture and no SVG part (each a document to parse on the main thread) is asked for before ready, the
 * AudioContext is made
 * only once the session is ready (a browser's first one starts its audio service and holds the main thread), and
 * the rest of the pack (other mouths, blinks, the other backdrop) waits until the session is ready, so its pictures do
 * not slow the channel's handshake. Checked by order, never by time: nothing here depends on the machine's speed.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { defaultPackFirstFrame } from '../packages/sdk/src/avatar/default-pack-first-frame.js';

const PACK = '/avatars/default/';
const FIRST_FRAME = new Set([`${PACK}manifest.json`, ...defaultPackFirstFrame('light').map((file) => PACK + file)]);

/** The server's paths the page asks for, in the order the browser issues the requests. */
function recordRequests(page: Page, serverUrl: string): string[] {
  const paths: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === serverUrl) paths.push(url.pathname);
  });
  return paths;
}

test('a cold create() asks for admission before the pictures and makes its AudioContext after ready', async ({
  server,
  blankPage: page,
}) => {
  const requests = recordRequests(page, server.url);
  const onceCode = await server.onceCode();
  const order = await page.evaluate(
    async ({ serverAddress, onceCode }) => {
      const w = window as any;
      const steps: string[] = [];
      const nativeFetch = window.fetch;
      window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
        steps.push(`fetch ${new URL(input instanceof Request ? input.url : String(input)).pathname}`);
        return nativeFetch(input, init);
      };
      const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src')!;
      Object.defineProperty(HTMLImageElement.prototype, 'src', {
        ...src,
        set(value: string) {
          steps.push(`picture ${new URL(value).pathname}`);
          src.set!.call(this, value);
        },
      });
      const NativeAudioContext = window.AudioContext;
      w.AudioContext = class extends NativeAudioContext {
        constructor(options?: AudioContextOptions) {
          steps.push('AudioContext');
          super(options);
        }
      };
      const dh = await w.DHKit.create({ serverAddress, robotId: 'demo', onceCode, containerId: 'dh' });
      steps.push('ready');
      // The audio comes in a task of its own after ready: wait for it (a generous cap; the order is what is checked).
      for (let i = 0; i < 300 && !steps.includes('AudioContext'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      await dh.destroy();
      return steps;
    },
    { serverAddress: server.url, onceCode },
  );

  const audio = order.indexOf('AudioContext');
  expect(audio, order.join('\n')).toBeGreaterThan(order.indexOf('ready'));
  expect(order.indexOf('ready'), order.join('\n')).toBeGreaterThan(order.indexOf('fetch /v1/sessions'));
  const isPicture = (path: string) => FIRST_FRAME.has(path) && !path.endsWith('manifest.json');
  const firstFramePictures = order.filter((step) => step.startsWith('fetch ') && isPicture(step.slice('fetch '.length)));
  expect(firstFramePictures).toHaveLength(FIRST_FRAME.size - 1);
  for (const picture of firstFramePictures) expect(order.indexOf(picture), order.join('\n')).toBeLessThan(order.indexOf('ready'));
  expect(
    order.slice(0, order.indexOf('ready')).filter((step) => step.startsWith('picture ')),
    order.join('\n'),
  ).toEqual([]);
  // On the wire: the manifest, then admission, then the pictures.
  const pictures = requests.filter(isPicture);
  expect(requests.indexOf('/v1/sessions'), requests.join('\n')).toBeGreaterThanOrEqual(0);
  expect(requests.indexOf('/v1/sessions'), requests.join('\n')).toBeLessThan(requests.indexOf(pictures[0]));
});

test('the rest of the avatar pack waits until the session is ready', async ({ server, blankPage: page }) => {
  const requests = recordRequests(page, server.url);
  const restOfPack = () => requests.filter((path) => path.startsWith(PACK) && !FIRST_FRAME.has(path));
  // The channel's welcome is held back in the page, so the session cannot be ready until the test lets it.
  await page.evaluate(() => {
    const w = window as any;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    w.releaseWelcome = release;
    w.welcomeHeld = false;
    const NativeWebSocket = window.WebSocket;
    w.WebSocket = class extends NativeWebSocket {
      override set onmessage(handler: (event: MessageEvent) => void) {
        super.onmessage = (event: MessageEvent) => {
          if (w.welcomeHeld || (typeof event.data === 'string' && event.data.includes('"welcome"'))) {
            w.welcomeHeld = true;
            void released.then(() => handler.call(this, event));
          } else handler.call(this, event);
        };
      }
    };
  });
  const onceCode = await server.onceCode();
  await page.evaluate(
    ({ serverAddress, onceCode }) => {
      const w = window as any;
      w.outcome = w.DHKit.create({ serverAddress, robotId: 'demo', onceCode, containerId: 'dh' }).then(
        (dh: any) => ((w.readyHuman = dh), 'ready'),
        (error: any) => error.code,
      );
    },
    { serverAddress: server.url, onceCode },
  );
  await page.waitForFunction(() => (window as any).welcomeHeld, undefined, { timeout: 30_000 });
  // The avatar's first frame is on screen: before, the rest of the pack was asked for right after it.
  await page.waitForFunction(
    () => {
      const canvas = document.querySelector('#dh digital-human')?.shadowRoot?.querySelector('[part="avatar"] canvas:not(.background)');
      const ctx = (canvas as HTMLCanvasElement | null)?.getContext('2d');
      if (!ctx || !canvas) return false;
      const { width, height } = canvas as HTMLCanvasElement;
      const pixels = ctx.getImageData(Math.floor(width / 4), Math.floor(height / 4), Math.ceil(width / 2), Math.ceil(height / 2)).data;
      return pixels.some((value, i) => i % 4 === 3 && value > 0);
    },
    undefined,
    { timeout: 30_000 },
  );
  // Let any request the first frame set off reach the test (the browser reports them asynchronously).
  await page.waitForTimeout(500);
  expect(restOfPack()).toEqual([]);
  expect(await page.evaluate(() => typeof (window as any).readyHuman)).toBe('undefined');

  await page.evaluate(() => (window as any).releaseWelcome());
  expect(await page.evaluate(() => (window as any).outcome)).toBe('ready');
  await expect.poll(() => restOfPack().length, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.evaluate(() => (window as any).readyHuman.destroy());
});
