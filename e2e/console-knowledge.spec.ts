/**
 * The console's knowledge table and "Try it" in real Chromium against a real server: the table is searched and paged
 * on the server (a long base never travels whole to the browser), and the "Try it" digital human starts in the
 * console's language when the robot speaks it, in its own when it does not (its buttons and its speech agree).
 */
import { ADMIN_KEY, expect, test } from './fixtures.js';
import { goTo, openConsole, prefer, signIn } from './console-page.js';

test.describe('operator console: knowledge and "Try it"', () => {
  test('the knowledge table asks the server for one page at a time, and for the search', async ({ page, server }) => {
    expect((await server.admin('POST', '/v1/robots', { id: 'big', name: 'Big', languages: ['en_US'] })).status).toBe(201);
    const entries = Array.from({ length: 45 }, (_, i) => ({
      question: `question number ${i}`,
      answer: i % 10 === 3 ? `There is a wheelchair ramp at gate ${i}.` : `Answer ${i}.`,
      language: 'en_US',
    }));
    expect((await server.admin('POST', '/v1/robots/big/knowledge', { entries })).status).toBe(201);
    await openConsole(page, server.url);
    await signIn(page, ADMIN_KEY);
    await expect(page.getByRole('link', { name: 'Robots' })).toHaveAttribute('aria-current', 'page');
    await goTo(page, 'knowledge');
    const firstPage = page.waitForRequest((r) => r.url().includes('/v1/robots/big/knowledge?limit=20&offset=0'));
    await page.getByTestId('robot-picker').selectOption('big');
    await firstPage;
    const rows = page.locator('tr[data-entry]');
    await expect(rows).toHaveCount(20);
    await expect(page.getByText('45 entries')).toBeVisible();
    await expect(page.getByText('Page 1 of 3')).toBeVisible();

    const thirdPage = page.waitForRequest((r) => r.url().includes('/v1/robots/big/knowledge?limit=20&offset=40'));
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await thirdPage;
    await expect(rows).toHaveCount(5);
    await expect(rows.first()).toContainText('question number 40');

    // The search goes to the server and starts again on its first page.
    const search = page.waitForRequest((r) => r.url().includes('/v1/robots/big/knowledge?limit=20&offset=0&q=wheelchair'));
    await page.getByPlaceholder('Search entries').fill('wheelchair');
    await search;
    await expect(rows).toHaveCount(5);
    await expect(page.getByText('5 entries')).toBeVisible();
    await expect(page.getByText('Page 1 of 1')).toBeVisible();
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });

  test('"Try it" starts in the console\'s language when the robot speaks it, in the robot\'s own when it does not', async ({
    page,
    server,
  }) => {
    const robot = (id: string, languages: string[]) =>
      server.admin('POST', '/v1/robots', { id, name: id, languages, defaultLanguage: 'en_US', concurrency: 2 });
    expect((await robot('both', ['en_US', 'zh_CN'])).status).toBe(201);
    expect((await robot('english', ['en_US'])).status).toBe(201);
    await prefer(page, 'zh', 'light');
    await openConsole(page, server.url);
    await signIn(page, ADMIN_KEY);
    const avatar = page.getByTestId('try-avatar');

    // A robot that speaks Chinese answers a Chinese console in Chinese, and her own buttons say so too.
    await page.getByRole('button', { name: '试一试 both' }).click();
    await page.getByTestId('try-start').click();
    await expect(page.locator('#try-question')).toBeEnabled({ timeout: 20_000 });
    await expect(avatar.getByPlaceholder('请输入问题')).toBeVisible();
    await page.getByRole('button', { name: '关闭' }).click();

    // One that speaks only English talks English, and labels her buttons in it: what her visitors see.
    await page.getByRole('button', { name: '试一试 english' }).click();
    await page.getByTestId('try-start').click();
    await expect(page.locator('#try-question')).toBeEnabled({ timeout: 20_000 });
    await expect(avatar.getByPlaceholder('Ask me anything…')).toBeVisible();
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });
});
