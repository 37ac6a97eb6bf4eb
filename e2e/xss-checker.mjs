// Asks peer-corpus payloads as knowledge-base answers and watches what the real SDK with its built-in UI
// (captions and media viewer) does with them in Chromium, as the peer checker does (see the corpus's
// SOURCES.md): execution (the corpus's `__dhx(` marker and alert/prompt/confirm/print/window.open replaced
// by an init script in every frame, dialogs), requests to any host but the page, the server and the
// allowlisted media host, navigation of the top page (and popups), CSP violations (event and console) and
// renderer errors (page errors, the renderer's plain-text fallback, an answer that never replaced the last).
// Payloads run `perPage` per page load; one that breaks the page is recorded and the rest go on in a new one.
import { MEDIA_HOST, questionFor } from './xss-rig.mjs';

export const FAILURE_KINDS = ['executed', 'foreignLoads', 'navigations', 'cspViolations', 'rendererErrors', 'unanswered'];

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const HOSTILE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="__dhx('svg-onload')"><script>__dhx('svg-script')</script></svg>`;
/** Chromium resolves no host name: nothing leaves the machine, and every attempt still shows as a request. */
export const CHECKER_CHROMIUM_ARGS = ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

/** Runs in every frame before any of its scripts: the execution sinks report instead of acting. */
function initScript() {
  const report = (what, args) => {
    try {
      window.__dhxReport(what, Array.from(args, String).join(',').slice(0, 200));
    } catch {
      // A frame without the binding (about:blank before it is wired) cannot report; the top page does.
    }
  };
  window.__dhx = (...args) => report('__dhx', args);
  for (const name of ['alert', 'prompt', 'confirm', 'print']) window[name] = (...args) => report(name, args);
  window.open = (...args) => (report('open', args), null);
  document.addEventListener('securitypolicyviolation', (e) => report('csp', [`${e.violatedDirective} ${e.blockedURI}`]));
}

/** Runs in the page: asks one question and waits for its whole answer and for the captions to show it. */
async function askInPage({ question, timeoutMs }) {
  const w = window;
  const deep = (root, selector) => {
    const found = root.querySelector(selector);
    if (found) return found;
    for (const element of root.querySelectorAll('*')) {
      const inner = element.shadowRoot && deep(element.shadowRoot, selector);
      if (inner) return inner;
    }
    return null;
  };
  const answerPart = () => deep(document, 'dh-captions')?.shadowRoot?.querySelector('[part="answer"]') ?? null;
  // A marker in the shown answer: rendering the new answer replaces it; if it survives, the last answer stayed.
  const marker = document.createComment('dhx-stale');
  answerPart()?.append(marker);
  const { chatId } = w.dh.sendTextQuestion({ text: question });
  const started = performance.now();
  const of = (name) => w.__events.filter((e) => e.name === name && e.payload?.chatId === chatId);
  let lastAt = null;
  while (performance.now() - started < timeoutMs) {
    const last = of('semanticRecognized').some((e) => e.payload.isLast);
    if (last && lastAt === null) lastAt = performance.now();
    // Wait out the speech of an answer that has some; one with nothing to say gets a short grace period.
    const speaking = of('speakingStart').length > 0;
    if (last && (of('speakingStop').length || (!speaking && performance.now() - lastAt > 250))) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const answer = of('semanticRecognized')
    .map((e) => e.payload.text)
    .join('');
  return {
    answer,
    complete: lastAt !== null,
    stale: marker.isConnected,
    hasAnswerPart: !!answerPart(),
    timing: {
      lastMs: lastAt === null ? null : Math.round(lastAt - started),
      totalMs: Math.round(performance.now() - started),
      spoke: of('speakingStop').length > 0,
    },
  };
}

/** Opens the site page (`strict` or `open`) in a fresh context, wired to `sink`, with an SDK instance on it. */
async function openPage(browser, rig, mode, sink) {
  const context = await browser.newContext();
  await context.exposeBinding('__dhxReport', (_source, what, detail) => {
    sink(what === 'csp' ? 'cspViolations' : 'executed', `${what}(${detail})`);
  });
  await context.addInitScript(initScript);
  const allowed = new Set([rig.siteUrl, rig.serverUrl, `https://${MEDIA_HOST}`]);
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol) || allowed.has(url.origin)) return;
    sink('foreignLoads', request.url().slice(0, 200));
  });
  await context.route(`https://${MEDIA_HOST}/**`, (route) => {
    const svg = new URL(route.request().url()).pathname.endsWith('.svg');
    return route.fulfill({ status: 200, contentType: svg ? 'image/svg+xml' : 'image/png', body: svg ? HOSTILE_SVG : PNG });
  });
  const page = await context.newPage();
  page.on('popup', (popup) => {
    sink('navigations', `popup ${popup.url()}`);
    void popup.close().catch(() => {});
  });
  const pageUrl = `${rig.siteUrl}/${mode}`;
  page.on('dialog', (dialog) => {
    sink('executed', `dialog ${dialog.type()} ${dialog.message().slice(0, 100)}`);
    void dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => sink('rendererErrors', `pageerror ${String(error).slice(0, 200)}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) sink('cspViolations', `console ${text.slice(0, 200)}`);
    if (/could not render an answer/.test(text)) sink('rendererErrors', `fallback ${text.slice(0, 200)}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && frame.url() !== pageUrl) sink('navigations', frame.url().slice(0, 200));
  });
  await page.goto(pageUrl);
  await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
  const onceCode = await rig.onceCode();
  await page.evaluate(
    async ({ serverAddress, onceCode }) => {
      const w = window;
      w.__events = [];
      const config = { enableCaption: true, enableMediaViewer: true, enableWeakErrorInfo: true };
      w.dh = await w.DHKit.create({ serverAddress, robotId: 'xss', onceCode, containerId: 'dh', config });
      for (const name of ['semanticRecognized', 'speakingStart', 'speakingStop', 'error']) {
        w.dh.on(name, (payload) => w.__events.push({ name, payload }));
      }
    },
    { serverAddress: rig.serverUrl, onceCode },
  );
  return { context, page };
}

/**
 * Markup inserted past the SDK, which the detectors must catch (else they are blind and the run is void):
 * an inline handler (runs without CSP, is reported under the strict one), a foreign picture, a page error,
 * and on the page without CSP a navigation.
 */
async function positiveControls(browser, rig, mode) {
  const seen = Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0]));
  const { context, page } = await openPage(browser, rig, mode, (kind) => seen[kind]++);
  const insert = (html) => page.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), html);
  await insert(`<img src="x" onerror="__dhx('control')"><img src="https://foreign.example/control.png">`);
  if (mode === 'open') await insert(`<img src="x" onerror="throw new Error('control')">`);
  await page.waitForTimeout(500);
  const expected = mode === 'strict' ? ['cspViolations'] : ['executed', 'foreignLoads', 'rendererErrors'];
  if (mode === 'open') {
    await Promise.all([page.waitForEvent('framenavigated').catch(() => {}), insert(`<img src="x" onerror="location.href='/navigated'">`)]);
    await page.waitForTimeout(300);
    expected.push('navigations');
  }
  await context.close();
  const blind = expected.filter((kind) => !seen[kind]);
  if (blind.length) throw new Error(`xss checker: the positive controls on the ${mode} page were not caught by: ${blind.join(', ')}`);
  return seen;
}

/**
 * Runs `payloads` (`{ id, answer }`, payload i answering `questionFor(indexes[i])`) on the `mode` page.
 * Returns counts per failure kind and every flagged payload with what it did.
 */
export async function checkPayloads(browser, rig, mode, payloads, { perPage = 100, timeoutMs = 15_000 } = {}) {
  const controls = await positiveControls(browser, rig, mode);
  const counts = Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0]));
  const flagged = new Map();
  let current = null;
  const sink = (kind, detail) => {
    const id = current?.id ?? '(between payloads)';
    const entry = flagged.get(id) ?? { id, mode, kinds: {} };
    (entry.kinds[kind] ??= []).push(detail);
    flagged.set(id, entry);
  };
  let brokenPages = 0;
  for (let start = 0; start < payloads.length; ) {
    const { context, page } = await openPage(browser, rig, mode, (kind, detail) => sink(kind, detail));
    let i = start;
    try {
      for (; i < payloads.length && i < start + perPage; i++) {
        current = payloads[i];
        const result = await page.evaluate(askInPage, { question: questionFor(current.index), timeoutMs });
        if (process.env.XSS_DEBUG) console.log(current.id, JSON.stringify(result.timing));
        if (!result.complete || result.answer.trim() !== current.answer.trim()) {
          sink('unanswered', `got ${JSON.stringify(result.answer.slice(0, 80))}`);
        }
        if (result.stale || !result.hasAnswerPart) sink('rendererErrors', 'the answer shown is not this one');
      }
    } catch (error) {
      // The page broke (it navigated away, crashed or hung): record it, go on with the next payload.
      sink('rendererErrors', `page broke: ${String(error).slice(0, 200)}`);
      brokenPages++;
      i++;
    }
    current = null;
    await context.close();
    start = i;
  }
  for (const entry of flagged.values()) for (const kind of Object.keys(entry.kinds)) counts[kind]++;
  return { mode, payloads: payloads.length, ...counts, brokenPages, controls, flagged: [...flagged.values()] };
}
