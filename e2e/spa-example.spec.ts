// examples/spa as an app developer runs it: the SDK installed from its packed tarball, bundled by Vite into a React
// app (StrictMode on), served under `script-src 'self'; style-src 'self'` by the app's own backend, which mints
// the once-codes. Rich answers (a picture) must show with zero CSP violations: the SDK's lazy chunks are the
// app's own files, nothing is fetched as script from the dhkit server.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY, expect, test } from './fixtures.js';

const spa = fileURLToPath(new URL('../examples/spa/', import.meta.url));

test.beforeAll(() => {
  // The example's own install (pinned, from its lockfile) and build: npm pack of the SDK, tsc, vite build.
  test.setTimeout(600_000);
  const npm = (...args: string[]) => execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: spa, stdio: 'inherit' });
  if (!existsSync(`${spa}node_modules/vite/package.json`)) npm('ci', '--prefer-offline');
  npm('run', 'build');
});

test('the SPA example shows rich answers under a strict CSP, StrictMode admits one session and unmounting frees it', async ({
  page,
  server,
}) => {
  process.env.DHKIT_URL = server.url;
  process.env.DHKIT_ADMIN_KEY = ADMIN_KEY;
  const { server: app } = await import('../examples/spa/backend.mjs');
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const sessions = async () => (await server.admin('GET', '/v1/robots/demo/sessions')).json.sessions.length as number;
  try {
    const before = await sessions();
    const violations: string[] = [];
    const scripts: string[] = [];
    page.on('request', (request) => request.resourceType() === 'script' && scripts.push(request.url()));
    await page.exposeFunction('__reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as any).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
      ),
    );
    const response = await page.goto(appUrl);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'; style-src 'self'/);
    await expect(page.locator('.avatar[data-ready="yes"]')).toBeAttached({ timeout: 20_000 });
    // StrictMode mounted, cleaned up and mounted again: the first create() was cancelled and its slot freed.
    await expect.poll(sessions, { timeout: 10_000 }).toBe(before + 1);

    const field = page.locator('.avatar digital-human [part~="input"] [part="field"]');
    // The app is in English and the demo robot starts in Chinese: the hook switches it, so the UI is in English.
    await expect(field).toHaveAttribute('placeholder', 'Ask me anything…');
    await field.fill('where is the showroom');
    await field.press('Enter');
    const picture = page.locator('.avatar digital-human img[src*="showroom"]').first();
    await expect(picture).toBeVisible({ timeout: 20_000 });
    expect(await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await expect(page.locator('.problem')).toHaveText('');

    // Every script came from the app's origin (the rich-media chunk included); none from the dhkit server.
    expect(scripts.some((url) => /rich-media/.test(url))).toBe(true);
    expect(scripts.filter((url) => !url.startsWith(appUrl))).toEqual([]);
    expect(violations).toEqual([]);

    await page.getByRole('button', { name: 'Close the assistant' }).click();
    await expect.poll(sessions, { timeout: 10_000 }).toBe(before);
  } finally {
    await new Promise((resolve) => app.close(resolve));
  }
});
