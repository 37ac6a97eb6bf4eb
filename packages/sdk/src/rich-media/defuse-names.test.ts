import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTreeAdapterMap, parseFragment, serialize } from 'parse5';
import { describe, expect, it } from 'vitest';
import { defuseActiveNames as defuse, restoreDefusedName } from './defuse-names.js';

// parse5 implements the WHATWG tokenizer and tree builder; it stands in for the browser's parser here (the
// browser itself is tested in e2e/xss-corpus.spec.ts). parseFragment parses as a <template>'s contents, as
// parse-inert.ts does.
type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const ACTIVE_ELEMENT = /^(style|track|link)$/;
const ACTIVE_ATTRIBUTE = /^(on|style$)/;

/** Every element of the parsed fragment, template contents included. */
function elementsOf(html: string): Element[] {
  const out: Element[] = [];
  const walk = (node: Node) => {
    if ('tagName' in node) out.push(node);
    const children = 'content' in node && node.content ? node.content.childNodes : 'childNodes' in node ? node.childNodes : [];
    for (const child of children) walk(child);
    if ('content' in node && node.content && 'childNodes' in node) for (const child of node.childNodes) walk(child);
  };
  walk(parseFragment(html));
  return out;
}

/** The names that would act while parsed (see defuse-names.ts). */
function activeNames(html: string): string[] {
  const found: string[] = [];
  for (const element of elementsOf(html)) {
    if (ACTIVE_ELEMENT.test(element.tagName)) found.push(`<${element.tagName}>`);
    for (const attribute of element.attrs) if (ACTIVE_ATTRIBUTE.test(attribute.name)) found.push(`${element.tagName}@${attribute.name}`);
  }
  return found;
}

// The vectors that got past the former pre-stripper (it tokenized attributes but not comments, raw text or
// foreign content), and those its tests covered.
const HOSTILE = [
  '<img src="a.png" onerror="x()" alt=\'b\'>',
  '<p STYLE="color:red" title=t>x</p>',
  '<img/onerror=alert(1)/src=x>',
  '<img src=x/ onerror=alert(1)>',
  '<img src="x"onerror=a()>',
  "<img src='x'OnError=a()>",
  '<svg onload = "a()" ><circle/></svg>',
  '<a href="x" ONCLICK=go() >t</a>',
  '<img src=x style>',
  '<img\fsrc=x\fonerror=a()>',
  'a<script>x()</script>b<STYLE>p{}</style >c',
  '<svg><p><style><img src=x onerror=a()></style></p></svg>',
  '<div id="37"><!--<img src="--><img src=x onerror=__dhx(37)//">//["\'`-->]]>]</div>',
  '<!--<img src="--><img src=x onerror=__dhx(1)//">',
  '<svg></p><title><a id="</title><img src=x onerror=__dhx()>"></textarea></svg>',
  '<noembed><img title="</noembed><img src onerror=__dhx(1)>"></noembed>',
  '<iframe><img title="</iframe><img src onerror=__dhx(1)>"></iframe>',
  '<xmp><p title="</xmp><img src=x onerror=__dhx(1)>">',
  '<textarea><img title="</textarea><img src onerror=__dhx(1)>"></textarea>',
  '<noframes><img title="</noframes><img src onerror=__dhx(1)>"></noframes>',
  '<title><img title="</title><img src onerror=__dhx(1)>"></title>',
  '<video><track default onload=__dhx(1) src="data:text/vtt,WEBVTT"></video>',
  '<math><mtext><table><mglyph><style><img src=x onerror=a()></style></mglyph></table></mtext></math>',
  '<svg><![CDATA[ ]]><img src=x onerror=a()>',
  '<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=a() src=1>">',
  '<link rel=stylesheet href=x.css><frameset onload=a()>',
];

describe('defuseActiveNames (CSP report noise, not the security boundary)', () => {
  it('leaves no event handler, style attribute, style, track or link element, whatever the parser state', () => {
    for (const html of HOSTILE) {
      expect(activeNames(html).length, `the vector itself is active: ${html}`).toBeGreaterThan(0);
      expect(activeNames(defuse(html)), html).toEqual([]);
    }
  });

  it('changes nothing a visitor reads: text and attribute values parse to the same DOM', () => {
    const benign = [
      '<p>Our store is open on Monday; only online orders track your style.</p>',
      '<p><a href="https://example.com/on/track?style=on&amp;online=1" title="on style">ON STYLE Track</a></p>',
      '<pre><code>on = style; track("link")\n  onerror = 1</code></pre>',
      '<table><thead><tr><th align="center">on</th></tr></thead><tbody><tr><td>"on" \'style\'</td></tr></tbody></table>',
      '<p>&epsilon; &conint; &amp;on &lt;style&gt; <img src="/track.png" alt=" on the link"></p>',
      '<textarea> on</textarea><title>\tstyle</title>',
    ];
    for (const html of benign) expect(serialize(parseFragment(defuse(html))), html).toBe(serialize(parseFragment(html)));
  });

  it('tells the name a defused element had, for the report of what was left out', () => {
    expect(restoreDefusedName('s&#116;yle')).toBe('style');
    expect(restoreDefusedName('T&#82;ACK'.toLowerCase())).toBe('track');
    expect(restoreDefusedName('custom-element')).toBe('custom-element');
  });

  it('touches only names that start where a tag or attribute name can', () => {
    expect(defuse('<p>on</p> style <Track')).toBe('<p>on</p> s&#116;yle <T&#114;ack');
    expect(defuse('<b>bonbon</b> caption figcaption')).toBe('<b>bonbon</b> caption figcaption');
  });
});

// The peer corpora (optional data, read in place, never copied into the repository).
const corpusPath = fileURLToPath(new URL('../../../../../shared/datasets/xss-peer/corpus.json', import.meta.url));
describe.skipIf(!existsSync(corpusPath))('defuseActiveNames over the peer XSS corpora', () => {
  it('leaves no active name in any of their payloads', () => {
    const { payloads } = JSON.parse(readFileSync(corpusPath, 'utf8')) as { payloads: Array<{ id: string; answer: string }> };
    const active = payloads.filter((payload) => activeNames(defuse(payload.answer)).length).map((payload) => payload.id);
    expect(active).toEqual([]);
  });
});
if (!existsSync(corpusPath)) console.warn(`defuse-names.test: ${corpusPath} is absent; the corpus check is skipped`);
