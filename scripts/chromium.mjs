// Debian's Chromium, never a downloaded browser, with the flags that keep it quiet on a closed network.
// One source for Playwright's config, the specs that launch their own browser, and the benchmarks.
import { chromium } from '@playwright/test';

export const CHROMIUM_PATH = process.env.DHKIT_CHROMIUM ?? '/usr/bin/chromium';
/**
 * One `--disable-features` for every launch: Chromium honours only the last one, and Playwright passes its own first,
 * so this repeats Playwright's list (playwright-core 1.65) and adds two. The address bar's popup (WebUI), which headless
 * Chromium 156 opens in a renderer process of its own for every new window, ~1.5 s of CPU per page or context that
 * nobody sees (packages/renderer/src/chromium-switches.ts, where the renderer does the same); and mDNS names in WebRTC
 * candidates (the LiveKit specs' media server is on 127.0.0.1, reachable only at its real IP).
 */
const DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebRtcHideLocalIpsWithMdns',
];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
];

/** WebRTC between Chromium and a media server on this host: loopback candidates allowed. */
export const WEBRTC_ARGS = ['--allow-loopback-in-peer-connection'];

/** Launches headless Chromium with the standard flags plus `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}
