import { expect, test } from './fixtures.js';

/**
 * What real FAQ answers need survives the sanitizer and renders under the strict CSP of `blankPage`: phone
 * and mail links, all heading levels, definition lists, disclosure widgets, figures, aligned table columns
 * (GFM, as an `align` attribute: a presentational hint, not an inline style) and webp pictures.
 */
const ANSWER = [
  '##### Contact',
  'Call [+41 44 123 45 67](tel:+41441234567) or write to <help@example.com> ([mail](mailto:help@example.com)).',
  '###### Small print',
  '| Plan | Price | Notes |',
  '|:-----|------:|:-----:|',
  '| Basic | 10 | none |',
  '',
  '<dl><dt>Term</dt><dd>Definition</dd></dl>',
  '',
  '<details open ontoggle="window.__pwned=1"><summary>More</summary>Hidden text</details>',
  '',
  '<figure><img src="/pictures/plan.webp" alt="plan"><figcaption>The plan</figcaption></figure>',
  '',
  '<p align="center" style="color:red">not a cell</p>',
].join('\n');

test('safe content real answers need is kept and renders without CSP reports', async ({ blankPage: page, server }) => {
  const result = await page.evaluate(
    async ({ serverUrl, answer }) => {
      const DHKit = (window as any).DHKit;
      const rendered = await DHKit.renderAnswer(answer, { serverAddress: serverUrl });
      const text = DHKit.answerPlainText(rendered);
      const box = document.createElement('div');
      box.append(rendered.fragment);
      document.body.append(box);
      const cells = Array.from(box.querySelectorAll('th, td')) as HTMLElement[];
      return {
        tags: Array.from(new Set(Array.from(box.querySelectorAll('*')).map((e) => e.localName))).sort(),
        links: Array.from(box.querySelectorAll('a')).map((a) => [a.getAttribute('href'), a.target, a.rel]),
        // An align attribute maps to -webkit-left/right/center (left/right/center that also align block children).
        aligns: cells.map((cell) => [cell.getAttribute('align'), getComputedStyle(cell).textAlign.replace('-webkit-', '')]),
        paragraphAlign: box.querySelector('p[align], p[style]')?.outerHTML ?? null,
        detailsOpen: (box.querySelector('details') as HTMLDetailsElement | null)?.open,
        media: rendered.media,
        dropped: rendered.dropped,
        text,
      };
    },
    { serverUrl: server.url, answer: ANSWER },
  );
  const needed = ['h5', 'h6', 'table', 'dl', 'dt', 'dd', 'details', 'summary', 'figure', 'figcaption', 'img'];
  expect(needed.filter((tag) => !result.tags.includes(tag))).toEqual([]);
  expect(result.links).toEqual([
    ['tel:+41441234567', '_blank', 'noopener noreferrer'],
    ['mailto:help@example.com', '_blank', 'noopener noreferrer'],
    ['mailto:help@example.com', '_blank', 'noopener noreferrer'],
  ]);
  const aligned = [
    ['left', 'left'],
    ['right', 'right'],
    ['center', 'center'],
  ];
  expect(result.aligns).toEqual([...aligned, ...aligned]);
  expect(result.paragraphAlign, 'align only on cells, never a style attribute').toBeNull();
  expect(result.detailsOpen).toBe(true);
  expect(result.media).toEqual([{ kind: 'image', src: `${server.url}/pictures/plan.webp`, alt: 'plan' }]);
  expect(result.dropped).toEqual([]);
  expect(result.text.split('\n')).toEqual(expect.arrayContaining(['Contact', 'Small print', 'Term', 'Definition', 'More', 'The plan']));
  expect(await page.evaluate(() => (window as any).__pwned ?? null)).toBeNull();
  expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
});
