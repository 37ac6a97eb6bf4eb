// A kiosk for an exhibition hall: every visitor gets a fresh session from our backend; between visitors the
// attract loop runs; an outage shows a reconnecting screen and heals by itself. Tune it by URL, e.g.
// /?reset=45&greet=120 (seconds).
const params = new URLSearchParams(location.search);
const seconds = (name) => (params.has(name) ? Number(params.get(name)) : undefined);

async function onceCode() {
  const response = await fetch('/api/once-code', { method: 'POST' });
  if (!response.ok) throw new Error(`our backend could not get a once-code (HTTP ${response.status})`);
  return (await response.json()).onceCode;
}

DHKit.createKiosk({
  serverAddress: document.querySelector('script[src$="/sdk/dhkit.umd.js"]').src.replace(/\/sdk\/dhkit\.umd\.js$/, ''),
  robotId: document.documentElement.dataset.robot || 'demo',
  onceCode,
  containerId: 'kiosk',
  config: { enableCaption: true, enableHotIssues: true, showLanguageUI: true },
  kiosk: {
    resetAfterSeconds: seconds('reset'),
    warnBeforeResetSeconds: seconds('warn'),
    greetEverySeconds: seconds('greet'),
    retryMaxMs: seconds('retryMax') === undefined ? undefined : seconds('retryMax') * 1000,
  },
}).then((kiosk) => (window.kiosk = kiosk));
