import { expect, test } from './fixtures.js';
import { ALLOWED, renderAll, SERVER_IMAGE, watchForeignRequests } from './rich-media-page.js';

/**
 * The media the policy allows, rendered by the real answer renderer (marked → DOMPurify with dhkit's hooks) in
 * Chromium: pictures from the server's own origin load and show; allowlisted https hosts, videos and plain text
 * come out right. The hostile answers are in rich-media-hostile.spec.ts.
 */

test.describe('rich media answers', () => {
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
});
