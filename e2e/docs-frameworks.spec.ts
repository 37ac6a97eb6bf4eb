// The React and Vue snippets of docs/ui.md, run as a developer pastes them: each block is the component file of a
// tiny app (React under <StrictMode>, Vue 3), bundled against the SDK package by esbuild (splitting on, as an app's
// bundler would), served from another origin than the dhkit server under a strict CSP, with an `/api/once-code`
// backend. The component must render, answer aloud, and leave no session behind, also when it is unmounted before
// create() has resolved. A snippet that breaks fails CI.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { build, type Plugin } from 'esbuild';
import { compileScript, parse } from 'vue/compiler-sfc';
import { fencedBlocks } from './docs-blocks.js';
import { expect, test, type TestServer } from './fixtures.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const appDir = path.join(root, '.tmp', 'docs-frameworks');
/** The server address the snippets are written for; the test puts its own server there. */
const DOCS_SERVER = "'https://dh.example.com'";

type Framework = 'react' | 'vue';

/** The snippet of `lang` under the `## heading` of docs/ui.md. */
function snippet(heading: string, lang: string): string {
  const doc = fs.readFileSync(path.join(root, 'docs', 'ui.md'), 'utf8');
  const start = doc.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/ui.md has a "## ${heading}" section`).toBeGreaterThan(0);
  const section = doc.slice(start + 1).split(/\n## /)[0] ?? '';
  const block = fencedBlocks(section).find((b) => b.lang === lang);
  expect(block, `docs/ui.md "## ${heading}" has a ${lang} block`).toBeDefined();
  expect(block!.code, 'the snippet names the server it talks to').toContain(DOCS_SERVER);
  return block!.code;
}

/** Compiles `<script setup>` + template of a single-file component, as @vitejs/plugin-vue does. */
const vueFiles: Plugin = {
  name: 'vue-sfc',
  setup(bundler) {
    bundler.onLoad({ filter: /\.vue$/ }, (args) => {
      const { descriptor, errors } = parse(fs.readFileSync(args.path, 'utf8'), { filename: args.path });
      if (errors.length) throw errors[0];
      const script = compileScript(descriptor, { id: 'docs-snippet', inlineTemplate: true });
      return { contents: script.content, loader: 'ts', resolveDir: path.dirname(args.path) };
    });
  },
};

const MAINS: Record<Framework, [string, string]> = {
  react: [
    'react-main.tsx',
    `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Avatar } from './Avatar';
const root = createRoot(document.getElementById('app')!);
Object.assign(window, {
  mount: () => root.render(<StrictMode><Avatar /></StrictMode>),
  unmount: () => root.render(null),
});
`,
  ],
  vue: [
    'vue-main.ts',
    `import { createApp, type App } from 'vue';
import Avatar from './Avatar.vue';
let app: App | undefined;
Object.assign(window, {
  mount: () => { app = createApp(Avatar); app.mount('#app'); },
  unmount: () => { app?.unmount(); app = undefined; },
});
`,
  ],
};

async function buildApps(serverUrl: string): Promise<void> {
  fs.rmSync(appDir, { recursive: true, force: true });
  for (const dir of ['src', 'public']) fs.mkdirSync(path.join(appDir, dir), { recursive: true });
  const write = (file: string, text: string) => fs.writeFileSync(path.join(appDir, file), text);
  write('src/Avatar.tsx', snippet('React', 'tsx').replace(DOCS_SERVER, JSON.stringify(serverUrl)));
  write('src/Avatar.vue', snippet('Vue', 'vue').replace(DOCS_SERVER, JSON.stringify(serverUrl)));
  // "give .avatar a size in your CSS"
  write('public/app.css', '.avatar { width: 360px; height: 480px; }\n');
  for (const framework of ['react', 'vue'] as const) {
    const [main, source] = MAINS[framework];
    write(`src/${main}`, source);
    write(
      `public/${framework}.html`,
      `<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="/app.css"><div id="app"></div><script type="module" ` +
        `src="/${framework}/${main.replace(/\.tsx?$/, '.js')}"></script>`,
    );
    await build({
      entryPoints: [path.join(appDir, 'src', main)],
      outdir: path.join(appDir, 'public', framework),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      minify: true,
      logLevel: 'warning',
      plugins: [vueFiles],
      define: {
        'process.env.NODE_ENV': '"production"',
        __VUE_OPTIONS_API__: 'false',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      },
    });
  }
}

/** The app's origin: its files under a strict CSP, and the backend route the snippets fetch once-codes from. */
async function startApp(server: TestServer): Promise<{ url: string; close(): Promise<void> }> {
  const ws = server.url.replace(/^http/, 'ws');
  const csp =
    `default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${server.url} ${ws}; img-src ` +
    `'self' ${server.url} data: blob:; media-src 'self' ${server.url} blob:`;
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const app = http.createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://app').pathname;
    if (pathname === '/api/once-code' && request.method === 'POST') {
      const onceCode = await server.onceCode('demo').catch(() => null);
      response.writeHead(onceCode ? 200 : 502, { 'content-type': 'application/json' }).end(JSON.stringify({ onceCode }));
      return;
    }
    const file = path.join(appDir, 'public', path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(path.join(appDir, 'public')) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    // The browser's keep-alive and preconnected sockets would hold close() open until the page goes: cut them.
    close: () => new Promise((resolve) => (app.closeAllConnections(), app.close(() => resolve()))),
  };
}

async function openApp(page: Page, appUrl: string, framework: Framework): Promise<string[]> {
  const problems: string[] = [];
  await page.exposeFunction('__reportViolation', (v: string) => problems.push(`CSP: ${v}`));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __reportViolation(v: string): void }).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${appUrl}/${framework}.html`);
  await page.waitForFunction(() => typeof (window as unknown as { mount?: unknown }).mount === 'function', undefined, { timeout: 20_000 });
  return problems;
}

const call = (page: Page, name: 'mount' | 'unmount') =>
  page.evaluate((fn) => (window as unknown as Record<string, () => void>)[fn]!(), name);

for (const framework of ['react', 'vue'] as const) {
  test(`docs/ui.md's ${framework} snippet renders, answers aloud, and leaves no session behind (fast unmounts too)`, async ({
    page,
    server,
  }) => {
    test.setTimeout(120_000);
    await buildApps(server.url);
    const app = await startApp(server);
    const sessions = async () => (await server.admin('GET', '/v1/robots/demo/sessions')).json.sessions.length as number;
    try {
      const before = await sessions();
      const problems = await openApp(page, app.url, framework);

      // Mounted (React: mounted, cleaned up and mounted again): one live session, an answer spoken with captions.
      await call(page, 'mount');
      const element = page.locator('#app .avatar digital-human');
      await expect(element).toHaveAttribute('data-session-id', /.+/, { timeout: 20_000 });
      await expect.poll(sessions, { timeout: 10_000 }).toBe(before + 1);
      const field = element.locator('[part~="input"] [part="field"]');
      await expect(field).toBeEnabled({ timeout: 10_000 });
      await field.fill('hello');
      await field.press('Enter');
      await expect(element).toHaveAttribute('speaking', '', { timeout: 20_000 });
      await expect(element.locator('[part~="caption"]')).not.toHaveText('', { timeout: 10_000 });
      await call(page, 'unmount');
      await expect.poll(sessions, { timeout: 10_000 }).toBe(before);

      // Unmounted while the once-code is being fetched, then while admission is in flight: nothing is admitted for
      // good; every slot comes back.
      for (const moment of [/\/api\/once-code$/, /\/v1\/sessions$/]) {
        // Bounded, so that a request that never goes out fails here by name rather than as the test's timeout.
        const reached = page.waitForRequest((request) => moment.test(request.url()) && request.method() === 'POST', { timeout: 20_000 });
        await call(page, 'mount');
        await reached;
        await call(page, 'unmount');
        await expect(page.locator('#app digital-human')).toHaveCount(0);
        await expect.poll(sessions, { timeout: 10_000 }).toBe(before);
        await page.waitForTimeout(1_000); // a late admission would show up here
        expect(await sessions(), `unmounted at ${moment}`).toBe(before);
      }
      expect(problems).toEqual([]);
    } finally {
      await app.close();
    }
  });
}
