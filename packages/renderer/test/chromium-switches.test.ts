/**
 * The renderer's Chromium switches: one `--disable-features` that keeps Playwright's list, the renderer's and the
 * caller's; and, in real (sandboxed) Chromium, a new page opens no browser UI of its own (the address bar's WebUI
 * popup, ~1.5 s of CPU per page) while WebRTC candidates carry real IPs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../src/browser-launch.js';
import { withDisabledFeatures } from '../chromium-switches.js';

const CHROMIUM = process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium';

describe('renderer Chromium switches', () => {
  it('merges every --disable-features into one, last, keeping Playwright’s, the renderer’s and the caller’s', () => {
    const args = withDisabledFeatures([
      '--disable-gpu',
      '--disable-features=Foo,Bar',
      '--no-first-run',
      '--disable-features=Baz,',
      '--mute-audio',
    ]);
    const switches = args.filter((arg) => arg.startsWith('--disable-features='));
    expect(switches).toHaveLength(1);
    expect(args.at(-1)).toBe(switches[0]);
    expect(args.slice(0, -1)).toEqual(['--disable-gpu', '--no-first-run', '--mute-audio']);
    const features = switches[0].slice('--disable-features='.length).split(',');
    for (const feature of ['Foo', 'Bar', 'Baz', 'PaintHolding', 'HttpsUpgrades', 'WebUIOmniboxPopup', 'WebRtcHideLocalIpsWithMdns']) {
      expect(features).toContain(feature);
    }
    expect(features).not.toContain('');
    expect(new Set(features).size).toBe(features.length);
  });

  it('keeps everything the installed Playwright turns off (a newer one may add to its list)', async () => {
    // The command line Playwright gives Chromium, its own --disable-features included, as launched with no args of ours.
    const server = await chromium.launchServer({ executablePath: CHROMIUM, args: [] });
    try {
      const own = server
        .process()
        .spawnargs.filter((arg) => arg.startsWith('--disable-features='))
        .flatMap((arg) => arg.slice('--disable-features='.length).split(','));
      expect(own.length).toBeGreaterThan(0);
      const merged = withDisabledFeatures([]).at(-1)!.slice('--disable-features='.length).split(',');
      expect(own.filter((feature) => !merged.includes(feature))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 30_000);

  describe('in Chromium', () => {
    let launched: LaunchedBrowser;
    beforeAll(async () => {
      launched = await launchChromium(chromium, {
        executablePath: CHROMIUM,
        args: withDisabledFeatures(['--disable-gpu', '--no-first-run', '--disable-features=Translate']),
      });
    }, 30_000);
    afterAll(async () => {
      await launched?.browser.close();
      launched?.cleanUp();
    });

    it('opens each page, in its own context, with no browser UI page beside it', async () => {
      const cdp = await launched.browser.newBrowserCDPSession();
      const pages = await Promise.all([0, 1].map(() => launched.browser.newPage()));
      await Promise.all(pages.map((page) => page.goto('data:text/html,<p>warm</p>')));
      // The popup's page is created as the window opens; give a late one time to show.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { targetInfos } = (await cdp.send('Target.getTargets', { filter: [{}] })) as { targetInfos: { type: string; url: string }[] };
      expect(targetInfos.filter((target) => target.type === 'page')).toHaveLength(2);
      expect(targetInfos.filter((target) => target.type === 'browser_ui' || target.url.startsWith('chrome://')).map((t) => t.url)).toEqual(
        [],
      );
      await Promise.all(pages.map((page) => page.close()));
    });
  });
});
