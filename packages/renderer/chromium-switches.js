// The Chromium switches every dhkit browser shares: the reference renderer's (built from src/) and the tests' and
// benchmarks' (scripts/chromium.mjs, which knip and Playwright's config load before anything is built). Plain
// JavaScript next to the package's sources rather than in them, so that both import the one list without a build.

/**
 * What Playwright turns off in its own `--disable-features` (playwright-core 1.65). Chromium honours only the last
 * such switch and Playwright passes its own first, so ours repeats this list; a newer playwright-core may add to its
 * own, and then this list wants the addition too (test/chromium-switches.test.ts compares the two).
 */
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
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * What dhkit turns off.
 * - Headless Chromium (156) opens the address bar's popup, a WebUI page, in a renderer process of its own for every
 *   new window, and each session's page (and each visitor page of a test or benchmark) is a new window: 1.4-1.6 s of
 *   CPU per page for a popup nobody sees, four times what the page itself costs to open (measured: 2.8 core-seconds
 *   per new page with it, 0.7 without).
 * - WebRTC to a LiveKit server on this host (tests, `livekit-server --dev`): real IPs, not mDNS names, in candidates.
 */
const DHKIT_DISABLED = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebRtcHideLocalIpsWithMdns'];

const FEATURES = '--disable-features=';

/**
 * `args` with every `--disable-features` switch (and the two lists above) merged into one, placed last: a second
 * switch would silently turn back on what the first turned off.
 * @param {readonly string[]} args
 * @returns {string[]}
 */
export function withDisabledFeatures(args) {
  const features = new Set([...PLAYWRIGHT_DISABLED, ...DHKIT_DISABLED]);
  const rest = [];
  for (const arg of args) {
    if (!arg.startsWith(FEATURES)) rest.push(arg);
    else for (const feature of arg.slice(FEATURES.length).split(',')) if (feature) features.add(feature);
  }
  return [...rest, FEATURES + [...features].join(',')];
}
