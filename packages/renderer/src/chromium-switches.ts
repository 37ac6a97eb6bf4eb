/**
 * The renderer's Chromium switches. Chromium honours only the last `--disable-features` it is given, and Playwright
 * passes one of its own before ours, so every feature switch (Playwright's, the renderer's, the caller's) is merged
 * into one: a second switch would silently turn back on what the first turned off.
 */

/** What Playwright turns off in its own switch (playwright-core 1.65), kept since ours replaces it. */
const PLAYWRIGHT_DISABLED = [
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
];

/**
 * What the renderer turns off.
 * - Headless Chromium (156) opens the address bar's popup, a WebUI page, in a renderer process of its own for every
 *   new window, and each session's page is a new window: 1.4-1.6 s of CPU per page for a popup nobody sees, four
 *   times what the page itself costs to open (measured: 2.8 core-seconds per new page with it, 0.7 without).
 * - WebRTC to a LiveKit server on this host (tests, `livekit-server --dev`): real IPs, not mDNS names, in candidates.
 */
const RENDERER_DISABLED = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebRtcHideLocalIpsWithMdns'];

const FEATURES = '--disable-features=';

/** `args` with every `--disable-features` switch (and the two lists above) merged into one, placed last. */
export function withDisabledFeatures(args: readonly string[]): string[] {
  const features = new Set([...PLAYWRIGHT_DISABLED, ...RENDERER_DISABLED]);
  const rest: string[] = [];
  for (const arg of args) {
    if (!arg.startsWith(FEATURES)) rest.push(arg);
    else for (const feature of arg.slice(FEATURES.length).split(',')) if (feature) features.add(feature);
  }
  return [...rest, FEATURES + [...features].join(',')];
}
