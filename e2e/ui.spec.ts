import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { createRecorded, events, expect, test, waitForEvent } from './fixtures.js';

/**
 * The built-in UI of <digital-human> in Chromium: captions with rich answers, the media viewer, hot
 * questions, the language switch, errors, live config, accessibility (axe-core) and the three layouts.
 */

const input = (page: Page) => page.locator('#dh digital-human [part~="input"] [part="field"]');
const ask = async (page: Page, text: string) => {
  await input(page).fill(text);
  await input(page).press('Enter');
};
/** The focused element, through shadow roots: its tag and alt. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let active = document.activeElement as Element | null;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return `${active?.localName}${active?.getAttribute('alt') ? `[alt=${active.getAttribute('alt')}]` : ''}`;
  });

test.describe('built-in UI', () => {
  test('captions show the rich answer with a server picture; the viewer opens by click and keyboard', async ({
    blankPage: page,
    server,
  }) => {
    await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true, enableMediaViewer: true });
    await ask(page, 'where is the showroom');
    const picture = page.locator('#dh digital-human [part~="caption"] [part="answer"] img[alt="Showroom map"]');
    await expect(picture).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('#dh digital-human [part~="caption"] [part="answer"]')).toContainText('88 Riverside Road');
    expect(await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // The answer completing must not re-render the picture under the visitor's keyboard (focus would be lost).
    await picture.evaluate((img) => Object.assign(img, { __seen: true }));
    await expect(page.locator('#dh dh-captions[complete]')).toHaveCount(1, { timeout: 15_000 });
    expect(await picture.evaluate((img) => (img as unknown as { __seen?: boolean }).__seen === true)).toBe(true);

    const dialog = page.locator('#dh dh-media-viewer dialog');
    await picture.click();
    await expect(dialog).toHaveAttribute('open', '');
    await expect(page.locator('#dh dh-media-viewer [part="media"]')).toHaveAttribute('src', /\/demo\/assets\/showroom\.svg$/);
    await page.keyboard.press('Escape');
    await expect(dialog).not.toHaveAttribute('open', '');
    expect(await focused(page)).toBe('img[alt=Showroom map]');

    await page.keyboard.press('Enter');
    await expect(dialog).toHaveAttribute('open', '');
    expect(await focused(page)).toBe('button');
    await page.keyboard.press('Escape');
    await expect(dialog).not.toHaveAttribute('open', '');
    expect(await focused(page)).toBe('img[alt=Showroom map]');
    // Reopened before the closed dialog's queued close event arrives: the viewer stays open.
    const reopened = await page.evaluate(async () => {
      const viewer = document.querySelector('#dh digital-human')!.shadowRoot!.querySelector('dh-media-viewer') as any;
      const img = document.querySelector('#dh digital-human')!.shadowRoot!.querySelector('dh-captions')!.shadowRoot!.querySelector('img')!;
      img.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      await viewer.updateComplete;
      viewer.close();
      await viewer.updateComplete;
      img.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      await viewer.updateComplete;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return viewer.renderRoot.querySelector('dialog').open;
    });
    expect(reopened).toBe(true);
    await page.keyboard.press('Escape');
    await expect(dialog).not.toHaveAttribute('open', '');
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });

  test('hot questions show with enableHotIssues and ask on click', async ({ blankPage: page, server }) => {
    const put = await server.admin('PUT', '/v1/robots/demo/hot-questions', {
      hotQuestions: [
        { language: 'en_US', text: 'what are the opening hours' },
        { language: 'zh_CN', text: '展厅几点开门' },
      ],
    });
    expect(put.status).toBe(200);
    await createRecorded(page, server.url, await server.onceCode(), { enableHotIssues: true, enableCaption: true });
    const { currentLanguage } = await page.evaluate(() => (window as any).dh.getLanguageInfo());
    const text = currentLanguage === 'zh_CN' ? '展厅几点开门' : 'what are the opening hours';
    const chip = page.locator('#dh digital-human [part~="hot-questions"] [part="chip"]');
    await expect(chip).toHaveText([text]);
    await chip.click();
    await waitForEvent(page, 'speakingStart');
    const said = (await events(page))
      .filter((e) => e.name === 'semanticRecognized')
      .map((e) => e.payload.text)
      .join('');
    expect(said).toMatch(currentLanguage === 'zh_CN' ? /点/ : /\b(9|nine)\b/i);
    await server.admin('PUT', '/v1/robots/demo/hot-questions', { hotQuestions: [] });
  });

  test('the language switch changes the UI strings and the session language; errors read in it', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { showLanguageUI: true });
    await page.evaluate(() => {
      const w = window as any;
      w.__languages = [];
      w.dh.on('languageInfoChange', (info: unknown) => w.__languages.push(info));
    });
    const before = await page.evaluate(() => (window as any).dh.getLanguageInfo());
    expect([...before.languageList].sort()).toEqual(['en_US', 'zh_CN']);
    const target = before.currentLanguage === 'zh_CN' ? 'en_US' : 'zh_CN';
    await page.locator(`#dh digital-human [part~="language"] [part~="option"][lang="${target === 'zh_CN' ? 'zh-CN' : 'en-US'}"]`).click();
    await expect(page.locator('#dh digital-human')).toHaveAttribute('language', target);
    await expect(input(page)).toHaveAttribute('placeholder', target === 'zh_CN' ? '请输入问题' : 'Ask me anything…');
    expect(await page.evaluate(() => (window as any).__languages)).toEqual([
      { currentLanguage: target, languageList: before.languageList },
    ]);
    expect(await page.evaluate(() => (window as any).dh.getJobInfo().language)).toBe(target);

    // A refused question: the toast speaks the visitor's (new) language.
    // (The field stops at the limit, so the too-long question comes as the input bar's event.)
    await page.evaluate(() => {
      const bar = document.querySelector('#dh digital-human')!.shadowRoot!.querySelector('dh-input-bar')!;
      bar.dispatchEvent(
        new CustomEvent('dh-question', { detail: { text: 'x'.repeat(5000) }, bubbles: true, composed: true, cancelable: true }),
      );
    });
    const toast = page.locator('#dh digital-human [part~="status"] [part~="toast"]');
    await expect(toast).toContainText(target === 'zh_CN' ? /问题/ : /question/i);
    expect((await events(page)).some((e) => e.name === 'error' && e.payload.code === 'QUESTION_TOO_LONG')).toBe(true);
    // The next question the SDK takes closes that refusal (it would stay its 8 s otherwise, under the answer).
    await input(page).fill('hello');
    await input(page).press('Enter');
    await expect(toast).toHaveCount(0, { timeout: 4000 });

    // The server refuses a language the robot lacks.
    const refused = await page.evaluate(() =>
      (window as any).dh.changeLanguage({ langCode: 'fr_FR' }).then(
        () => null,
        (e: any) => e.code,
      ),
    );
    expect(refused).toBe('LANGUAGE_NOT_SUPPORTED');
  });

  test('setConfig toggles the UI live; unknown keys warn; transparent background; AI label', async ({ blankPage: page, server }) => {
    const warnings: string[] = [];
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true });
    const dh = page.locator('#dh digital-human');
    await expect(dh.locator('[part~="ai-label"]')).toContainText(/AI/);
    await expect(dh.locator('[part~="caption"]')).toBeAttached();
    await expect(dh.locator('[part~="input"]')).toBeVisible();
    await expect(dh.locator('[part~="hot-questions"]')).toHaveCount(0);

    await page.evaluate(() =>
      (window as any).dh.setConfig({ enableCaption: false, enableChatBtn: false, useDefaultBackground: false, noSuchKey: 1 }),
    );
    await expect(dh.locator('[part~="caption"]')).toHaveCount(0);
    await expect(dh.locator('[part~="input"]')).toHaveCount(0);
    expect(await dh.evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.root')!).backgroundImage)).toBe('none');
    expect(warnings.some((w) => w.includes('noSuchKey'))).toBe(true);

    await page.evaluate(() => (window as any).dh.setConfig({ enableCaption: true, enableChatBtn: true, useDefaultBackground: true }));
    await expect(dh.locator('[part~="caption"]')).toBeAttached();
    await expect(dh.locator('[part~="input"]')).toBeVisible();
    expect(await dh.evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.root')!).backgroundImage)).toContain('gradient');
  });

  test('keyboard only: Tab reaches the field, Enter asks, the stop button interrupts', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true });
    await page.locator('body').focus();
    for (let i = 0; i < 6 && (await focused(page)) !== 'input'; i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input');
    await page.keyboard.type('tell me about the product');
    await page.keyboard.press('Enter');
    await waitForEvent(page, 'speakingStart');
    const stop = page.locator('#dh digital-human [part~="input"] [part="stop"]');
    await stop.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#dh digital-human')).not.toHaveAttribute('speaking', '');
  });

  test('a question typed or pasted past the limit is cut, and a polite notice says so until there is room again', async ({
    blankPage: page,
    server,
  }) => {
    await createRecorded(page, server.url, await server.onceCode());
    const field = input(page);
    const notice = page.locator('#dh digital-human [part~="input"] [part="notice"]');
    await expect(notice).toHaveAttribute('role', 'status');
    await expect(notice).toHaveAttribute('aria-live', 'polite');
    await expect(notice).toHaveText('');

    // Exactly the limit fits: no notice.
    await field.fill('a'.repeat(499));
    await field.press('b');
    await expect(field).toHaveValue(`${'a'.repeat(499)}b`);
    await expect(notice).toHaveText('');
    // One key more: the field keeps its 500 characters and the notice names the limit.
    await field.press('c');
    await expect(notice).toHaveText(/500/);
    await expect(field).toHaveValue(`${'a'.repeat(499)}b`);
    // Room again: the notice goes.
    await field.press('Backspace');
    await expect(notice).toHaveText('');

    // A paste of 600 characters over the whole field: cut to 500, the notice again.
    await field.press('ControlOrMeta+a');
    await page.keyboard.insertText('x'.repeat(600));
    await expect(notice).toHaveText(/500/);
    expect((await field.inputValue()).length).toBe(500);
    // The cut question is sent as it stands (the limit is the server's too), and the notice leaves with it.
    await field.press('Enter');
    await expect(field).toHaveValue('');
    await expect(notice).toHaveText('');
    await waitForEvent(page, 'semanticRecognized');
    // The API cuts nothing: an over-long text is refused at once with the catalog's code, and no error event fires.
    const refused = await page.evaluate(() => {
      try {
        (window as any).dh.sendTextQuestion({ text: 'y'.repeat(501) });
        return 'sent';
      } catch (error: any) {
        return error.code;
      }
    });
    expect(refused).toBe('QUESTION_TOO_LONG');
    expect((await events(page)).filter((e) => e.name === 'error').map((e) => e.payload.code)).toEqual([]);
  });
});

/** A page without CSP (axe-core is injected as a script) that embeds the SDK in a given layout. */
async function startLayoutPage(serverUrl: string, css: string) {
  const site = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" ` +
        `content="width=device-width"><title>dhkit layout</title>
<style>html,body{margin:0;height:100%;font-family:sans-serif} ${css}</style></head>
<body><main><h1 class="page-title">Example site</h1><div id="dh"></div></main><script ` +
        `src="${serverUrl}/sdk/dhkit.umd.js"></script></body></html>`,
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve()))),
  };
}

const LAYOUTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, css: '.page-title{display:none} #dh{position:fixed;inset:0}' },
  {
    name: 'widget',
    viewport: { width: 1280, height: 800 },
    css:
      'body{background:#f1f5f9} .page-title{margin:24px} ' +
      '#dh{position:fixed;right:24px;bottom:24px;width:400px;height:640px;border-radius:18px;box-shadow:0 12px 40px ' +
      'rgba(0,0,0,.25)}',
  },
  { name: 'kiosk', viewport: { width: 1080, height: 1920 }, css: '.page-title{display:none} #dh{position:fixed;inset:0}' },
] as const;

test.describe('layouts', () => {
  for (const layout of LAYOUTS) {
    for (const scheme of ['light', 'dark'] as const) {
      test(`${layout.name} ${scheme}: no serious accessibility violations; screenshot`, async ({ page, server }) => {
        test.setTimeout(60_000);
        await server.admin('PUT', '/v1/robots/demo/hot-questions', {
          hotQuestions: [
            { language: 'en_US', text: 'what are the opening hours' },
            { language: 'en_US', text: 'where is the showroom' },
            { language: 'zh_CN', text: '展厅几点开门' },
          ],
        });
        await page.setViewportSize(layout.viewport);
        await page.emulateMedia({ colorScheme: scheme });
        const site = await startLayoutPage(server.url, layout.css);
        await page.goto(site.url);
        await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
        await createRecorded(page, server.url, await server.onceCode(), {
          enableCaption: true,
          enableMediaViewer: true,
          enableHotIssues: true,
          showLanguageUI: true,
        });
        await page.evaluate(() => (window as any).dh.changeLanguage({ langCode: 'en_US' }));
        await ask(page, 'where is the showroom');
        await expect(page.locator('#dh digital-human [part~="caption"] [part="answer"] img')).toBeVisible({ timeout: 15_000 });
        await waitForEvent(page, 'speakingStop', undefined, 30_000);

        await page.addScriptTag({ path: fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url)) });
        const violations = await page.evaluate(async () => {
          const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
            .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
        });
        expect(violations).toEqual([]);
        // Into .tmp/ (ignored); DHKIT_UPDATE_SCREENSHOTS=1 refreshes the ones kept in docs/images/.
        const folder = process.env.DHKIT_UPDATE_SCREENSHOTS ? 'docs/images' : '.tmp/ui-shots';
        await page.screenshot({ path: `${folder}/ui-${layout.name}-${scheme}.png` });
        await site.close();
      });
    }
  }
});
