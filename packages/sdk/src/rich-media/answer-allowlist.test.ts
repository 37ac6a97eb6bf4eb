import { type DefaultTreeAdapterMap, parseFragment } from 'parse5';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ATTR, ALLOWED_TAGS, FORBID_ATTR, FORBID_TAGS } from './answer-allowlist.js';
import { markdownToHtml } from './markdown.js';

type Node = DefaultTreeAdapterMap['node'];

/** Tag and attribute names in the HTML, as the parser (parse5, the WHATWG algorithm) builds it. */
function namesIn(html: string): { tags: Set<string>; attributes: Set<string> } {
  const tags = new Set<string>();
  const attributes = new Set<string>();
  const walk = (node: Node) => {
    if ('tagName' in node) {
      tags.add(node.tagName);
      for (const attribute of node.attrs) attributes.add(attribute.name);
    }
    if ('childNodes' in node) for (const child of node.childNodes) walk(child);
  };
  walk(parseFragment(html));
  return { tags, attributes };
}

// What real FAQ answers are written with: the sanitizer must keep all of it.
const FAQ_MARKDOWN = [
  '# Opening hours',
  '## Shop',
  '### Café',
  '#### Weekend',
  '##### Holidays',
  '###### Small print',
  'Some **bold**, *italic*, ~~old~~ and `code`.',
  '- one\n- two\n\n3. three\n4. four',
  '> A quote',
  '```\nconst x = 1;\n```',
  '| Day | Open | Close |\n|:----|:----:|------:|\n| Mon | 9 | 18 |',
  'Call [us](tel:+41441234567), mail <help@example.com>, see [the site](https://example.com).',
  '![Map](/pictures/map.webp "Map")',
  '---',
  'line one\nline two',
].join('\n\n');
const FAQ_HTML = [
  '<dl><dt>Term</dt><dd>Meaning</dd></dl>',
  '<details open><summary>More</summary><p>Details</p></details>',
  '<figure><img src="/a.png" alt="a" width="10" height="10"><figcaption>A</figcaption></figure>',
  '<video controls poster="/p.jpg" src="/v.mp4"><source src="/v.mp4" type="video/mp4"></video>',
  '<table><caption>C</caption><tr><td colspan="2" rowspan="1">x</td></tr></table>',
  '<p>H<sub>2</sub>O, x<sup>2</sup>, <small>s</small>, <mark>m</mark>, <span>s</span>, <b>b</b>, <i>i</i>, <s>s</s>, <del>d</del></p>',
  '<ol start="3"><li>x</li></ol>',
].join('\n');

describe('what an answer may contain', () => {
  it('keeps every element and attribute that markdown and the FAQ HTML above produce', () => {
    const { tags, attributes } = namesIn(markdownToHtml(`${FAQ_MARKDOWN}\n\n${FAQ_HTML}`));
    expect([...tags].filter((tag) => !ALLOWED_TAGS.includes(tag))).toEqual([]);
    expect([...attributes].filter((attribute) => !ALLOWED_ATTR.includes(attribute))).toEqual([]);
    const needed = ['h5', 'h6', 'dl', 'dd', 'details', 'summary', 'figure', 'figcaption', 'table', 'del', 'img'];
    expect(needed.filter((tag) => !tags.has(tag))).toEqual([]);
    expect(attributes).toContain('align');
  });

  it('allows nothing it also forbids', () => {
    expect(ALLOWED_TAGS.filter((tag) => FORBID_TAGS.includes(tag))).toEqual([]);
    expect(ALLOWED_ATTR.filter((attribute) => FORBID_ATTR.includes(attribute))).toEqual([]);
    for (const attribute of ALLOWED_ATTR) expect(attribute).not.toMatch(/^(on|style$|srcset$|xlink)/);
  });
});
