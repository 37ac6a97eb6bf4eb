// Debian's Chromium, never a downloaded browser, with the flags that keep it quiet on a closed network.
// One source for Playwright's config, the specs that launch their own browser, and the benchmarks.
import { chromium } from '@playwright/test';
import { withDisabledFeatures } from '../packages/renderer/chromium-switches.js';

export const CHROMIUM_PATH = process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium';
/**
 * One `--disable-features` for every launch, the renderer's list (Chromium honours only the last such switch, and
 * Playwright passes its own first): among others, no address-bar popup (a WebUI page headless Chromium opens for every
 * new window, ~1.5 s of CPU per page or context that nobody sees) and real IPs in WebRTC candidates (the LiveKit
 * specs' media server is on 127.0.0.1).
 */
export const CHROMIUM_ARGS = withDisabledFeatures([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
]);

/** WebRTC between Chromium and a media server on this host: loopback candidates allowed. */
export const WEBRTC_ARGS = ['--allow-loopback-in-peer-connection'];

/** Launches headless Chromium with the standard flags plus `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}
