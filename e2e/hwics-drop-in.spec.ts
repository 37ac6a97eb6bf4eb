// A page written for MetaStudio's HwICSUiSdk, unchanged but for the script URL, serverAddress and the
// once-code source, runs on dhkit's drop-in (/sdk/hwics.umd.js) and gets spoken answers.
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type TestServer } from './fixtures.js';

const HAN = /[\u4e00-\u9fff]/;

/** The customer's site: the page, its once-code backend, a strict CSP. */
async function startSite(server: TestServer) {
  const wsUrl = server.url.replace(/^http/, 'ws');
  const csp =
    `default-src 'self'; script-src 'self' ${server.url}; style-src 'self'; img-src 'self' ${server.url} data:; ` +
    `media-src 'self' ${server.url} blob:; connect-src 'self' ${server.url} ${wsUrl}`;
  const read = (file: string) => readFileSync(new URL(`./metastudio-page/${file}`, import.meta.url), 'utf8');
  const files: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', read('index.html').replace('{{SDK_URL}}', `${server.url}/sdk/hwics.umd.js`)],
    '/page.js': ['text/javascript', read('page.js')],
    '/page.css': ['text/css', read('page.css')],
  };
  const site = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'POST' && path === '/once-code') {
      const body = { serverAddress: server.url, robotId: 'demo', onceCode: await server.onceCode() };
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    const file = files[path];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0], 'content-security-policy': csp }).end(file[1]);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve()))),
  };
}

type LogEntry = { name: string; payload: any };
const pageLog = (page: Page): Promise<LogEntry[]> => page.evaluate(() => (window as any).__log);
async function waitForLog(page: Page, name: string, match: Record<string, unknown> = {}, timeout = 15_000) {
  await page.waitForFunction(
    ({ name, match }) =>
      (window as any).__log.some((e: any) => e.name === name && Object.entries(match).every(([k, v]) => e.payload?.[k] === v)),
    { name, match },
    { timeout },
  );
  return (await pageLog(page)).filter((e) => e.name === name && Object.entries(match).every(([k, v]) => e.payload?.[k] === v)).at(-1)!;
}

/** Asks through the page's own form; resolves with the answer once its voice has finished. */
async function askAndHear(page: Page, question: string): Promise<string> {
  const asked = (await pageLog(page)).filter((e) => e.name === 'asked').length;
  await page.locator('#question').fill(question);
  await page.locator('#ask button').click();
  await page.waitForFunction((n) => (window as any).__log.filter((e: any) => e.name === 'asked').length > n, asked);
  const result = (await pageLog(page)).filter((e) => e.name === 'asked').at(-1)!.payload;
  expect(result).toMatchObject({ result: true });
  expect(result.chatId).toBeTruthy();
  await waitForLog(page, 'speakingStart', { chatId: result.chatId });
  await waitForLog(page, 'speakingStop', { chatId: result.chatId });
  const segments = (await pageLog(page)).filter((e) => e.name === 'semanticRecognized' && e.payload.chatId === result.chatId);
  expect(segments.at(-1)!.payload.isLast).toBe(true);
  return segments.map((e) => e.payload.text).join('');
}

test('a page written for HwICSUiSdk runs on the drop-in and gets spoken answers', async ({ page, server }) => {
  const site = await startSite(server);
  const warnings: string[] = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  const violations: string[] = [];
  await page.exposeFunction('__reportViolation', (v: string) => violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  try {
    await page.goto(site.url);
    const created = await waitForLog(page, 'created');
    expect(created.payload.jobId).toBeTruthy();
    expect((await pageLog(page)).some((e) => e.name === 'jobInfoChange' && e.payload.jobId === created.payload.jobId)).toBe(true);
    await expect(page.locator('#ics-container digital-human')).toBeAttached();
    // The mouth moves while she speaks: sampled every frame.
    await page.evaluate(() => {
      const w = window as any;
      w.__mouthMax = 0;
      const sample = () => {
        const element = document.querySelector('#ics-container digital-human') as any;
        w.__mouthMax = Math.max(w.__mouthMax, element?.mouthOpenness ?? 0);
        requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    });

    const first = await page.evaluate(() => (window as any).HwICSUiSdk.getLanguageInfo().currentLanguage);
    const [next, question, script] = first === 'zh_CN' ? ['en_US', 'hello', /[A-Za-z]{3,}/] : ['zh_CN', '你好', HAN];
    const english = await askAndHear(page, 'hello');
    expect(english).toMatch(/[A-Za-z]{3,}/);
    await expect(page.locator('#answer')).toHaveText(english);
    expect(await page.evaluate(() => (window as any).__mouthMax)).toBeGreaterThan(0.1);

    // A failure resolves with the reference's result and its MSS code instead of throwing.
    await page.locator('#question').fill('   ');
    await page.locator('#ask button').click();
    await page.waitForFunction(() => (window as any).__log.some((e: any) => e.name === 'asked' && e.payload.result === false));
    const empty = (await pageLog(page)).find((e) => e.name === 'asked' && e.payload.result === false)!;
    expect(empty.payload.errorCode).toBe('MSS.47010146');

    await page.locator('#language').click();
    expect((await waitForLog(page, 'languageChanged')).payload).toMatchObject({ result: true });
    const info = (await waitForLog(page, 'languageInfo')).payload;
    expect(info.currentLanguage).toBe(next);
    expect(info.languageList).toContainEqual({ language: 'zh_CN', language_desc: '中文' });
    expect((await waitForLog(page, 'languageInfoChange')).payload.currentLanguage).toBe(next);
    expect(await askAndHear(page, question)).toMatch(script);

    await page.locator('#end').click();
    expect((await waitForLog(page, 'destroyed')).payload.jobId).toBe('');
    await expect(page.locator('#ics-container digital-human')).toHaveCount(0);
    const afterEnd = await page.evaluate(() => (window as any).HwICSUiSdk.sendTextQuestion({ text: 'hello' }));
    expect(afterEnd).toMatchObject({ result: false, errorCode: 'SESSION_ENDED' });

    expect((await pageLog(page)).filter((e) => e.name === 'error' || e.name === 'createFailed')).toEqual([]);
    // Reference-only config keys and methods warn once each, and never throw.
    expect(warnings.filter((w) => w.includes('enableJobCache'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('initResourcePath'))).toHaveLength(1);
    expect(violations).toEqual([]);
  } finally {
    await site.close();
  }
});
