// A lazy chunk that does not load is never a silent failure: a page whose CSP allows the script-tag bundle but not
// the answer renderer chunk next to it gets the `error` event with CHUNK_LOAD_FAILED, and captions still show
// the answer as plain text.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures.js';

test('a blocked answer-renderer chunk emits error CHUNK_LOAD_FAILED; the answer still shows as text', async ({ page, server }) => {
  // Only the bundle's own URL is allowed as script: the chunk beside it is refused by the browser.
  const csp =
    `default-src 'self'; script-src 'self' ${server.url}/sdk/dhkit.umd.js; style-src 'self'; connect-src ` +
    `'self' ${server.url} ${server.url.replace(/^http/, 'ws')}; img-src 'self' ${server.url} data:; media-src ` +
    `'self' ${server.url} blob:`;
  const onceCode = await server.onceCode();
  const site = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript', 'content-security-policy': csp });
      response.end(`window.__errors = [];
DHKit.create({ serverAddress: ${JSON.stringify(server.url)}, robotId: 'demo', onceCode: ${JSON.stringify(onceCode)}, containerId: 'dh',
  config: { enableCaption: true }, eventListeners: { error: (e) => window.__errors.push(e) } }).then((dh) => (window.__dh = dh));`);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
    response.end(
      `<!doctype html><meta charset="utf-8"><div id="dh"></div><script src="${server.url}/sdk/dhkit.umd.js"></script><script ` +
        `src="/page.js"></script>`,
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as any).__errors?.some((e: any) => e.code === 'CHUNK_LOAD_FAILED'), null, { timeout: 20_000 });
    const error = await page.evaluate(() => (window as any).__errors.find((e: any) => e.code === 'CHUNK_LOAD_FAILED'));
    expect(error.message).toMatch(/^rich-media: /);
    await page.waitForFunction(() => (window as any).__dh !== undefined);
    await page.evaluate(() => (window as any).__dh.sendTextQuestion({ text: 'hello' }));
    await expect(page.locator('#dh digital-human [part~="caption"]')).toContainText('dhkit demo avatar', { timeout: 20_000 });
  } finally {
    site.close();
  }
});
