// The demo page as a visitor first sees it: on a phone the avatar and its input bar fit the first screen, the
// page follows the system's dark mode, and the conversation starts in the browser's language.
import { axeViolations } from './page-checks.js';
import { expect, test } from './fixtures.js';

const PHONE = { width: 390, height: 844 };

/** Relative luminance of a CSS rgb() colour (0 black … 1 white). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => Number(v) / 255);
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`on a phone in ${colorScheme} mode the avatar's input bar is on the first screen, in English`, async ({ browser, server }) => {
    const context = await browser.newContext({ viewport: PHONE, colorScheme, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => (window as any).dhReady);
    const field = page.locator('digital-human [part~="field"]');
    await expect(field).toHaveAttribute('placeholder', 'Ask me anything…');
    const box = await field.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
    expect(await page.evaluate(() => (window as any).dh.getLanguageInfo().currentLanguage)).toBe('en_US');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (colorScheme === 'dark') expect(luminance(background)).toBeLessThan(0.05);
    else expect(luminance(background)).toBeGreaterThan(0.8);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
}

test('a browser that prefers Chinese keeps the demo robot in Chinese', async ({ browser, server }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.evaluate(() => (window as any).dhReady);
  await expect(page.locator('digital-human [part~="field"]')).toHaveAttribute('placeholder', '请输入问题');
  expect(await page.evaluate(() => (window as any).dh.getLanguageInfo().currentLanguage)).toBe('zh_CN');
  await context.close();
});
