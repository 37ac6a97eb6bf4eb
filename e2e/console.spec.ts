/**
 * The operator's console (/admin/) driven like an operator in real Chromium, against a real server: sign in (and
 * a clear message for a missing or wrong key), create a robot, import a knowledge CSV, talk to the robot in
 * "Try it" and hear the answer, see the unanswered question and attach it to an entry with one action, ask again
 * and get the answer, see the slowest turns with their stages, kick a live session. On every page, in English and
 * Chinese, light and dark: axe-core finds nothing serious or critical, the strict CSP is never violated, and no
 * secret is ever on screen. On a tablet (portrait and landscape) every page fits the screen's width; long lists come
 * from the server in pages.
 */
import type { Page } from '@playwright/test';
import { ADMIN_KEY, expect, test } from './fixtures.js';
import { axeViolations } from './page-checks.js';
import { goTo, openConsole, prefer, signIn } from './console-page.js';

const WEBHOOK_SECRET = 'whsec-console-e2e-0123456789abcdef';
const KNOWLEDGE_CSV = [
  'question,similarQuestions,answer,language,tags',
  'When do you open?,Opening hours|What time do you open,We open at nine in the morning.,en_US,hours',
  'Can I pay with a voucher?,Do you take coupons,"Yes, **gift cards** and vouchers are welcome.",en_US,payment',
  'Where are you?,Address,At 1 Harbour Road.,en_US,',
].join('\n');
const PAGES = ['robots', 'knowledge', 'questions', 'sessions', 'audit'] as const;

/**
 * What does not fit the viewport's width: the page scrolling sideways, or a control (button, input, link) whose box
 * ends past the right edge outside a table's own scroll area. Walks the shadow roots.
 */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width + 1)
      problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    const walk = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) walk(element.shadowRoot);
        if (!element.matches('button, input, select, textarea, a')) continue;
        if (element.closest('.scroll')) continue;
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.right > width + 1)
          problems.push(`${element.tagName} ${element.textContent?.trim() || element.getAttribute('name')} ends at ${box.right}`);
      }
    };
    walk(document);
    return problems;
  });
}

/** No secret anywhere on screen: the admin key, the webhook secret, or its last characters (a mask keeps four). */
async function expectNoSecretShown(page: Page): Promise<void> {
  const text = await page.evaluate(() => {
    const parts: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) walk(element.shadowRoot);
        if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
          if (element instanceof HTMLInputElement && element.type === 'password') continue;
          parts.push(element.value);
        }
      }
      parts.push((root as Document).body?.textContent ?? (root as ShadowRoot).textContent ?? '');
    };
    walk(document);
    return parts.join('\n');
  });
  expect(text).not.toContain(ADMIN_KEY);
  expect(text).not.toContain(WEBHOOK_SECRET);
  expect(page.url()).not.toContain(ADMIN_KEY);
}

async function ask(page: Page, question: string): Promise<string> {
  const answer = page.getByTestId('try-answer');
  const spokenBefore = Number(await answer.getAttribute('data-spoken'));
  await page.getByLabel('Question', { exact: true }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  // A spoken answer: the SDK played its audio (speakingStart), and its text arrived.
  await expect.poll(async () => Number(await answer.getAttribute('data-spoken')), { timeout: 20_000 }).toBeGreaterThan(spokenBefore);
  await expect(page.getByTestId('try-speaking')).toHaveCount(0, { timeout: 20_000 });
  // The answer as the SDK's sanitizer renders it (markdown → HTML), inside the preview's shadow root.
  const rendered = answer.locator('.body');
  await expect(rendered).not.toHaveText('', { timeout: 10_000 });
  return (await rendered.textContent()) ?? '';
}

async function openTryIt(page: Page, robotId: string): Promise<void> {
  await goTo(page, 'robots');
  await page.getByRole('button', { name: `Try it ${robotId}` }).click();
  await page.getByTestId('try-start').click();
  await expect(page.getByRole('button', { name: 'Ask', exact: true })).toBeEnabled({ timeout: 20_000 });
}

test.describe('operator console', () => {
  test('sign-in refuses a missing or wrong key with a clear message', async ({ page, server }) => {
    await openConsole(page, server.url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Enter the admin key.');
    await signIn(page, 'not-the-admin-key-0123456789abcdef');
    await expect(page.getByRole('alert')).toHaveText('This admin key is not valid for this server.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await signIn(page, ADMIN_KEY);
    await expect(page.getByRole('link', { name: 'Robots' })).toHaveAttribute('aria-current', 'page');
    // Kept for this tab only: not in a cookie, not in localStorage, not in the URL.
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['dhkit-console-admin-key']);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(ADMIN_KEY);
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });

  test('an operator creates a robot, imports knowledge, talks to it, teaches it a question and kicks a session', async ({
    page,
    server,
    browser,
  }) => {
    test.setTimeout(180_000);
    await openConsole(page, server.url);
    await signIn(page, ADMIN_KEY);

    // Create a robot: the server's validation message first, then a valid one (with a secret that is never shown).
    await page.getByRole('button', { name: 'New robot' }).click();
    await page.getByLabel('Id', { exact: true }).fill('shop');
    await page.getByLabel('Name', { exact: true }).fill('Harbour Shop');
    await page.getByLabel('Concurrent sessions', { exact: true }).fill('3');
    await page.getByLabel('zh_CN', { exact: true }).uncheck();
    await page.getByLabel('Allowed origins (one per line)').fill('ftp://nope');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'allowedOrigins' })).toBeVisible();
    await page.getByLabel('Allowed origins (one per line)').fill('*');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('tr[data-robot="shop"]')).toContainText('Harbour Shop');
    // Its voice, heard through its own speech engine before a visitor hears it.
    await page.getByRole('button', { name: 'Edit shop' }).click();
    const sample = page.waitForResponse((r) => r.url().endsWith('/v1/robots/shop/voice-sample'));
    await page.getByRole('button', { name: 'Play sample en_US' }).click();
    expect((await sample).status()).toBe(200);
    expect((await sample).headers()['content-type']).toBe('audio/wav');
    // Typed inputs per setting: the server's message shows beside the input it is about, then a valid value is saved.
    await page.getByLabel('Questions: burst').fill('0');
    await page.getByLabel('Questions: per minute').fill('30');
    await page.getByRole('button', { name: 'Save' }).click();
    const burst = page.locator('[name="rateLimits.questions.burst"]');
    await expect(burst).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('[id="e-rateLimits.questions.burst"]')).toContainText('rateLimits/questions/burst must be an integer from 1');
    await burst.fill('5');
    await page.getByLabel('Lexicon (one "word = what to say" per line)').fill('dhkit = D H kit');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('tr[data-robot="shop"]')).toBeVisible();
    const saved = (await server.admin('GET', '/v1/robots/shop')).json;
    expect(saved.rateLimits).toEqual({ questions: { burst: 5, perMinute: 30 } });
    expect(saved.lexicon).toEqual([{ word: 'dhkit', say: 'D H kit' }]);
    await server.admin('POST', '/v1/robots', {
      id: 'hooked',
      name: 'Hooked',
      brain: { type: 'webhook', url: 'https://hooks.example/answer', secret: WEBHOOK_SECRET },
    });
    await page.evaluate(() => location.reload());
    // Emptied on an edit, the rate limits are removed (the server's defaults apply again).
    await page.getByRole('button', { name: 'Edit shop' }).click();
    await expect(page.getByLabel('Lexicon (one "word = what to say" per line)')).toHaveValue('dhkit = D H kit');
    await expect(page.getByLabel('Questions: burst')).toHaveValue('5');
    await page.getByLabel('Questions: burst').fill('');
    await page.getByLabel('Questions: per minute').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('tr[data-robot="shop"]')).toBeVisible();
    expect((await server.admin('GET', '/v1/robots/shop')).json).not.toHaveProperty('rateLimits');
    await page.getByRole('button', { name: 'Edit hooked' }).click();
    await expect(page.getByLabel('Signing secret')).toHaveAttribute('type', 'password');
    await expectNoSecretShown(page);
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Import a knowledge CSV with a preview.
    await goTo(page, 'knowledge');
    await page.getByTestId('robot-picker').selectOption('shop');
    await page.locator('#csv-file').setInputFiles({ name: 'shop.csv', mimeType: 'text/csv', buffer: Buffer.from(KNOWLEDGE_CSV) });
    await expect(page.getByTestId('import-preview').locator('tbody tr')).toHaveCount(3);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByText('3 entries imported.')).toBeVisible();
    await expect(page.locator('tr[data-entry]')).toHaveCount(3);
    // An FAQ document: the server's dry run is the preview; then it is imported.
    const faq = '# Shop FAQ\n\n### Do you deliver?\n\nYes, within the city.\n\n### Is there parking?\n\nAt the north gate.\n';
    await page.locator('#document-file').setInputFiles({ name: 'faq.md', mimeType: 'text/markdown', buffer: Buffer.from(faq) });
    await expect(page.getByTestId('document-preview').locator('tbody tr')).toHaveCount(2);
    await expect(page.locator('tr[data-entry]')).toHaveCount(3);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByText('2 entries imported.')).toBeVisible();
    await expect(page.locator('tr[data-entry]')).toHaveCount(5);

    // Talk to it in "Try it": a spoken answer, then a question it cannot answer.
    await openTryIt(page, 'shop');
    await expect(page.getByTestId('embed-script')).toContainText("robotId: 'shop'");
    expect(await ask(page, 'When do you open?')).toContain('nine');
    const unknown = 'Do you sell gift cards?';
    expect(await ask(page, unknown)).not.toContain('vouchers are welcome');

    // The question appears among the unanswered; one action attaches it to the voucher entry.
    await goTo(page, 'questions');
    await page.getByTestId('robot-picker').selectOption('shop');
    const row = page.locator(`tr[data-question="${unknown}"]`);
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(row).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const { entries } = (await server.admin('GET', '/v1/robots/shop/knowledge')).json;
    const voucher = entries.find((entry: { question: string }) => entry.question === 'Can I pay with a voucher?');
    await row.locator('select').selectOption(String(voucher.id), { timeout: 5000 });
    await row.getByRole('button', { name: 'Attach' }).click();
    await expect(page.getByText(`Attached to entry #${voucher.id}.`)).toBeVisible();

    // The slowest turns, each with its stages (both questions asked so far were timed).
    const slowest = page.locator('table[data-table="slowest-turns"] tbody tr');
    await expect(slowest).toHaveCount(2);
    const latencies = await slowest.evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-latency'))));
    expect(latencies).toEqual([...latencies].sort((a, b) => b - a));
    await expect(slowest.first()).toContainText(' ms');

    // Asked again: now answered from the entry.
    await openTryIt(page, 'shop');
    expect(await ask(page, unknown)).toContain('vouchers are welcome');

    // A live session elsewhere (another tab's "Try it"), listed and kicked from the Sessions page.
    const visitorPage = await browser.newPage();
    await openConsole(visitorPage, server.url);
    await signIn(visitorPage, ADMIN_KEY);
    await openTryIt(visitorPage, 'shop');
    await goTo(page, 'sessions');
    const sessions = page.locator('table[data-robot="shop"] tr[data-session]');
    await expect(sessions).toHaveCount(1, { timeout: 10_000 });
    await sessions.first().getByRole('button', { name: /^Kick/ }).click();
    await expect(page.getByText('Session ended.')).toBeVisible();
    await expect(sessions).toHaveCount(0);
    expect((await server.admin('GET', '/v1/robots/shop/sessions')).json.sessions).toEqual([]);
    await visitorPage.close();

    // The audit log lists what the operator did.
    await goTo(page, 'audit');
    await expect(page.getByText('session.kick')).toBeVisible();
    await expect(page.getByText('knowledge.learn')).toBeVisible();
    await expect(page.getByText('robot.create').first()).toBeVisible();
    await expectNoSecretShown(page);
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });

  test('long lists come from the server in pages: the sessions page shows 50 sessions, "More" the next page', async ({ page, server }) => {
    await server.admin('POST', '/v1/robots', { id: 'crowd', name: 'Crowd', concurrency: 60, languages: ['en_US'] });
    for (let i = 0; i < 51; i++) {
      const response = await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ robotId: 'crowd', onceCode: await server.onceCode('crowd') }),
      });
      expect(response.status).toBe(201);
    }
    await openConsole(page, server.url);
    await signIn(page, ADMIN_KEY);
    await goTo(page, 'sessions');
    const rows = page.locator('table[data-robot="crowd"] tr[data-session]');
    await expect(rows).toHaveCount(50);
    // The count in use is the server's (all 51), not the rows shown.
    await expect(page.getByRole('heading', { name: /Crowd \(crowd\)/ })).toContainText('51 of 60 in use');
    const nextPage = page.waitForRequest((r) => r.url().includes('/v1/robots/crowd/sessions?limit=50&offset=50'));
    await page.getByRole('button', { name: 'More', exact: true }).click();
    await nextPage;
    await expect(rows).toHaveCount(51);
    await expect(page.getByRole('button', { name: 'More', exact: true })).toHaveCount(0);
  });

  const TEXTS = {
    en: { newRobot: 'New robot', tryIt: 'Try it demo', mediaMode: 'Media mode' },
    zh: { newRobot: '新建机器人', tryIt: '试一试 demo', mediaMode: '媒体模式' },
  };
  for (const language of ['en', 'zh'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      test(`every page passes axe-core without serious or critical violations (${language}, ${theme})`, async ({ page, server }) => {
        await prefer(page, language, theme);
        await openConsole(page, server.url);
        await signIn(page, ADMIN_KEY);
        await expect(page.locator('html')).toHaveAttribute('lang', language === 'zh' ? 'zh-CN' : 'en');
        for (const name of PAGES) {
          await goTo(page, name);
          await page.waitForTimeout(500);
          expect(await axeViolations(page), name).toEqual([]);
        }
        await goTo(page, 'robots');
        await page.getByRole('button', { name: TEXTS[language].newRobot }).click();
        // Every input the form has: the LiveKit media settings too.
        await page.getByLabel(TEXTS[language].mediaMode).selectOption('livekit');
        expect(await axeViolations(page), 'robot form').toEqual([]);
        await page.getByRole('button', { name: TEXTS[language].tryIt }).click();
        expect(await axeViolations(page), 'try it').toEqual([]);
        expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
      });
    }
  }

  for (const [width, height] of [
    [768, 1024],
    [1024, 768],
  ]) {
    test(`on a tablet (${width}×${height}) every page fits the width, nothing is cut`, async ({ browser, server }) => {
      const context = await browser.newContext({ viewport: { width, height }, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      await openConsole(page, server.url);
      await signIn(page, ADMIN_KEY);
      await expect(page.getByRole('link', { name: 'Robots' })).toBeVisible();
      for (const name of PAGES) {
        await goTo(page, name);
        await page.waitForTimeout(500);
        expect(await overflow(page), name).toEqual([]);
        // The page navigation stays on screen.
        for (const link of await page.getByRole('navigation').getByRole('link').all()) await expect(link).toBeInViewport();
      }
      await goTo(page, 'robots');
      await page.getByRole('button', { name: 'New robot' }).click();
      await page.getByLabel('Media mode').selectOption('livekit');
      expect(await overflow(page), 'robot form').toEqual([]);
      await page.getByRole('button', { name: 'Try it demo' }).click();
      expect(await overflow(page), 'try it').toEqual([]);
      await context.close();
    });
  }
});
