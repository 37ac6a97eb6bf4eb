import { expect, test } from './fixtures.js';
import { EVIL, expectSanitized, HOSTILE, pwn } from './rich-media-hostile.js';
import { ALLOWED, renderAll, SERVER_IMAGE, settle, startPage, watchForeignRequests } from './rich-media-page.js';

/**
 * The real answer renderer (marked → DOMPurify with dhkit's hooks) in Chromium, against answers written to
 * attack the page. Each answer is rendered with the public `DHKit.renderAnswer` and inserted into the live
 * document (where handlers would fire and resources would load). Nothing may run, nothing may load from a
 * foreign origin, and the media the policy allows must still show.
 */

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
    const csp =
      `default-src 'self'; script-src 'self' ${server.url}; style-src 'self'; img-src 'self' ${server.url}; ` +
      `require-trusted-types-for 'script'; trusted-types dhkit lit-html`;
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
