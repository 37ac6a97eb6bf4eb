// Takes the screenshots in docs/console.md: every console page against a real server with a little history
// (a robot, its knowledge, visitors' questions, a live session), in English and Chinese, each light and dark, plus
// the sign-in page and tablet views (portrait and landscape). Run after `npm run build`: node scripts/console-screenshots.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer } from '../server/dist/index.js';
import { launchChromium } from './chromium.mjs';

const KEY = 'docs-admin-key-0123456789-padded-to-32-chars';
const OUT = 'docs/images/console';
const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-console-shots-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: KEY, demo: true, logLevel: 'warn' });

const admin = async (method, path, body) => {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.status === 204 ? null : response.json();
};

/** A visitor over the channel: asks its questions, waits for each turn's end; stays connected when `stay`. */
async function visit(robotId, questions, stay = false) {
  const { onceCode } = await admin('POST', `/v1/robots/${robotId}/once-codes`, {});
  const info = await (
    await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ robotId, onceCode }),
    })
  ).json();
  const socket = new WebSocket(server.url.replace('http', 'ws') + info.channelPath, { origin: 'https://shop.example' });
  await new Promise((resolve) => socket.once('open', resolve));
  const ended = new Set();
  let welcomed = false;
  socket.on('message', (data, binary) => {
    if (binary) return;
    const message = JSON.parse(data.toString());
    if (message.type === 'welcome') welcomed = true;
    if (message.type === 'turnEnd') ended.add(message.chatId);
    if (message.type === 'error') throw new Error(`channel: ${JSON.stringify(message)}`);
  });
  socket.send(JSON.stringify({ type: 'hello', token: info.token, protocol: 1 }));
  while (!welcomed) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const [i, text] of questions.entries()) {
    socket.send(JSON.stringify({ type: 'question', chatId: `docs-chat-${i}`, text }));
    while (!ended.has(`docs-chat-${i}`)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!stay) socket.close(1000);
  // A visitor who stays keeps the channel alive (a silent channel ends after the lease TTL).
  else setInterval(() => socket.send(JSON.stringify({ type: 'ping', t: Date.now() })), 5000).unref();
}

await admin('POST', '/v1/robots', {
  id: 'shop',
  name: 'Harbour Shop',
  languages: ['en_US', 'zh_CN'],
  defaultLanguage: 'en_US',
  concurrency: 5,
  allowedOrigins: ['https://shop.example', server.url],
  brain: { type: 'knowledge' },
});
await admin('POST', '/v1/robots/shop/knowledge', {
  entries: [
    {
      question: 'When do you open?',
      similarQuestions: ['Opening hours'],
      answer: 'We open at **nine** in the morning.',
      language: 'en_US',
    },
    {
      question: 'Can I pay with a voucher?',
      similarQuestions: ['Do you take coupons'],
      answer: 'Yes, gift cards and vouchers are welcome.',
      language: 'en_US',
    },
    { question: '你们几点开门？', similarQuestions: ['营业时间'], answer: '我们早上九点开门。', language: 'zh_CN' },
  ],
});
await visit('shop', ['When do you open?', 'Do you sell gift cards?', 'Do you sell gift cards?', 'Is there parking?', '你们几点开门？']);
await visit('shop', ['Opening hours'], true);

const browser = await launchChromium();
const shots = ['en', 'zh'].flatMap((language) => ['light', 'dark'].map((theme) => ({ suffix: `${language}-${theme}`, language, theme })));
for (const { suffix, language, theme } of shots) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.addInitScript(
    ([l, t]) => {
      localStorage.setItem('dhkit-console-language', l);
      localStorage.setItem('dhkit-console-theme', t);
    },
    [language, theme],
  );
  await page.goto(`${server.url}/admin/`);
  await page.screenshot({ path: `${OUT}/sign-in-${suffix}.png` });
  await page.locator('#admin-key').fill(KEY);
  await page.locator('#admin-key').press('Enter');
  await page.waitForSelector('dh-robots-page');
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${OUT}/robots-${suffix}.png`, fullPage: true });
  await page.locator('tr[data-robot="shop"] button').nth(1).click();
  await page.getByTestId('try-start').click();
  await page.locator('#try-question').fill(language === 'zh' ? '你们几点开门？' : 'When do you open?');
  await page.locator('#try-question').press('Enter');
  await page.waitForFunction(() => {
    const tryIt = document.querySelector('dh-console').shadowRoot.querySelector('dh-robots-page').shadowRoot.querySelector('dh-try-it');
    return tryIt?.spoken > 0;
  });
  await page.waitForTimeout(800);
  await page.locator('dh-try-it').screenshot({ path: `${OUT}/try-it-${suffix}.png` });
  await page.locator('tr[data-robot="shop"] button').first().click();
  await page.waitForTimeout(300);
  await page.locator('dh-robot-form').screenshot({ path: `${OUT}/robot-form-${suffix}.png` });
  for (const name of ['knowledge', 'questions', 'sessions', 'audit']) {
    await page.evaluate((hash) => (location.hash = hash), `#/${name}`);
    if (name === 'knowledge' || name === 'questions') await page.getByTestId('robot-picker').selectOption('shop');
    if (name === 'knowledge') {
      await page.locator('#test-question').fill('When do you open?');
      await page.locator('#test-question').press('Enter');
    }
    await page.waitForTimeout(900);
    await page.screenshot({ path: `${OUT}/${name}-${suffix}.png`, fullPage: true });
  }
  await page.close();
}
// Tablets in portrait and landscape: the layout folds, nothing is cut.
for (const [name, width, height] of [
  ['tablet', 768, 1024],
  ['tablet-landscape', 1024, 768],
]) {
  const tablet = await browser.newPage({ viewport: { width, height }, isMobile: true, hasTouch: true });
  await tablet.goto(`${server.url}/admin/`);
  await tablet.locator('#admin-key').fill(KEY);
  await tablet.locator('#admin-key').press('Enter');
  await tablet.waitForSelector('dh-robots-page');
  await tablet.evaluate(() => (location.hash = '#/questions'));
  await tablet.getByTestId('robot-picker').selectOption('shop');
  await tablet.waitForTimeout(900);
  await tablet.screenshot({ path: `${OUT}/questions-${name}.png` });
  await tablet.close();
}

await browser.close();
await server.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ screenshots: OUT }));
