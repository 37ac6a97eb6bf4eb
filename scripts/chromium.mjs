// Debian's Chromium, never a downloaded browser, with the flags that keep it quiet on a closed network.
// One source for Playwright's config, the specs that launch their own browser, and the benchmarks.
import { chromium } from '@playwright/test';

export const CHROMIUM_PATH = process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

/** Launches headless Chromium with the standard flags plus `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}
