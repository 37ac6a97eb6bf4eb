// Docs that run: the README's and docs/getting-started.md's commands and files, executed as a reader would, word
// for word. Shell blocks run in bash against a fresh data folder and a real `npm start`; the page they build is
// served from another origin than the dhkit server and loaded in Chromium. The only changes are the ones a
// reader's machine makes: free ports instead of 8080/3000 (so the test can run beside other servers) and the
// placeholders the reader fills in (`<admin key>`, `ONCE_CODE_FROM_YOUR_BACKEND`). A doc block that breaks
// fails here.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { fencedBlocks, fileNameOf, type FencedBlock } from './docs-blocks.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A shell command of the docs, running in its own process group; `output` grows as it prints. */
class Shell {
  output = '';
  readonly child: ChildProcess;
  private exited: Promise<number>;

  constructor(script: string, cwd: string, env: Record<string, string | undefined>) {
    this.child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, detached: true });
    this.child.stdout!.on('data', (chunk) => (this.output += chunk));
    this.child.stderr!.on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code ?? 1)));
  }

  async until(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode} before ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async finished(ms: number): Promise<number> {
    return Promise.race([
      this.exited,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`still running:\n${this.output}`)), ms)),
    ]);
  }

  /** `kill <pid>` of the command (npm, for `npm start`), as a reader stops it; then the whole group, to clean up. */
  async stop(): Promise<void> {
    try {
      process.kill(-this.child.pid!, 'SIGTERM');
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** What a reader's machine changes: the ports, and the placeholders they fill in. */
function localize(code: string, values: Record<string, string>): string {
  let text = code;
  for (const [from, to] of Object.entries(values)) text = text.split(from).join(to);
  return text;
}

async function startDhkit(command: string, dataDir: string, port: number): Promise<{ shell: Shell; adminKey: string | null }> {
  const shell = new Shell(command, root, { DHKIT_PORT: String(port), DHKIT_DATA_DIR: dataDir, DHKIT_ADMIN_KEY: undefined });
  await shell.until(/listening on http:\/\/\S+/, 600_000);
  const adminKey = shell.output.match(/store it safely:\s+(\S{43})\s/)?.[1] ?? null;
  return { shell, adminKey };
}

/** Loads a page and collects what a developer would see in the console: logs and uncaught errors. */
async function watchConsole(page: Page): Promise<{ logs: string[]; errors: string[] }> {
  const logs: string[] = [];
  const errors: string[] = [];
  page.on('console', (message) => logs.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  return { logs, errors };
}

async function ask(page: Page, scope: string, question: string): Promise<void> {
  const field = page.locator(`${scope} digital-human [part~="input"] [part="field"]`);
  await field.fill(question);
  await field.press('Enter');
}

test.describe.configure({ mode: 'serial' });

test('docs/getting-started.md, word for word: server, robot, a site on another origin that embeds it, restart', async ({ page }) => {
  test.setTimeout(900_000);
  const blocks = fencedBlocks(read('docs/getting-started.md'));
  const shells = blocks.filter((block) => block.lang === 'sh');
  const files = blocks.filter((block) => fileNameOf(block));
  expect(shells).toHaveLength(3);
  expect(files.map((block) => fileNameOf(block))).toEqual(['index.html', 'site.css', 'assistant.js', 'site.mjs']);

  const [dhkitPort, sitePort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dhkit-docs-data-'));
  const site = mkdtempSync(path.join(tmpdir(), 'dhkit-docs-site-'));
  const ports = {
    'localhost:8080': `localhost:${dhkitPort}`,
    'localhost:3000': `localhost:${sitePort}`,
    'listen(3000': `listen(${sitePort}`,
  };
  const running: Shell[] = [];
  try {
    // 1. npm install && npm start
    const first = await startDhkit(localize(shells[0].code, ports), dataDir, dhkitPort);
    running.push(first.shell);
    expect(first.adminKey, 'the first start prints the admin key').toBeTruthy();
    const dhkit = `http://localhost:${dhkitPort}`;
    expect((await fetch(`${dhkit}/`)).status, 'the demo page').toBe(200);

    // 2. and 3. in one terminal (KEY carries over), the site's files in a new folder.
    for (const block of files) writeFileSync(path.join(site, fileNameOf(block)!), localize(block.code, ports));
    const terminal = new Shell(localize(`${shells[1].code}\n${shells[2].code}`, { ...ports, '<admin key>': first.adminKey! }), site, {});
    running.push(terminal);
    await terminal.until(/your site on http:\/\/localhost:\d+/, 60_000);
    expect(terminal.output, 'the curl answers are no errors').not.toMatch(/"error"/);

    const seen = await watchConsole(page);
    await page.goto(`http://localhost:${sitePort}/`);
    await expect(page.locator('#avatar digital-human')).toBeAttached({ timeout: 20_000 });
    const box = await page.locator('#avatar').boundingBox();
    expect(box?.height, 'the avatar has room').toBeGreaterThanOrEqual(600);
    await ask(page, '#avatar', 'When are you open?');
    await expect.poll(() => seen.logs.join('\n'), { timeout: 20_000 }).toMatch(/We are open from nine to five/);
    expect(seen.errors).toEqual([]);

    // The same site from an origin the robot does not allow: the box says why instead of staying empty.
    await page.goto(`http://127.0.0.1:${sitePort}/`);
    await expect(page.locator('#avatar')).toContainText(`http://127.0.0.1:${sitePort} is not in the robot's allowedOrigins`, {
      timeout: 20_000,
    });

    // Stop (kill the npm process) and start again: the demo is still there.
    await first.shell.stop();
    await expect
      .poll(
        () =>
          fetch(`${dhkit}/healthz`).then(
            () => 'up',
            () => 'down',
          ),
        { timeout: 15_000 },
      )
      .toBe('down');
    const again = await startDhkit(localize(shells[0].code, ports), dataDir, dhkitPort);
    running.push(again.shell);
    expect((await fetch(`${dhkit}/`)).status, 'the demo page after a restart').toBe(200);
    expect((await fetch(`${dhkit}/demo/once-code`, { method: 'POST' })).status).toBe(201);
  } finally {
    for (const shell of running.reverse()) await shell.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  }
});

test('README.md: its commands, and its embed on a page from another origin', async ({ page }) => {
  test.setTimeout(900_000);
  const readme = read('README.md');
  const blocks = fencedBlocks(readme).filter((block: FencedBlock) => block.lang === 'sh' || block.lang === 'html');
  const [commands, embed] = [blocks.find((block) => block.lang === 'sh')!, blocks.find((block) => block.lang === 'html')!];
  const lines = commands.code.split('\n').filter((line) => line.trim());
  expect(lines.map((line) => line.replace(/\s+#.*$/, ''))).toEqual(['npm install && npm start', 'npm test']);
  // `npm test` is what CI runs (this test is one of its suites), on a clean checkout.
  expect(read('.ci/run')).toMatch(/^npm test\b/m);

  const dhkitPort = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dhkit-docs-readme-'));
  let dhkit: Shell | undefined;
  const siteServer = createServer();
  try {
    const started = await startDhkit(localize(lines[0], { 'localhost:8080': `localhost:${dhkitPort}` }), dataDir, dhkitPort);
    dhkit = started.shell;
    const url = `http://localhost:${dhkitPort}`;
    expect((await fetch(`${url}/`)).status, 'the demo on the port npm start serves').toBe(200);
    const minted = await fetch(`${url}/v1/robots/demo/once-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.adminKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { onceCode } = await minted.json();
    const html = `<!doctype html><meta charset="utf-8">\n${localize(embed.code, {
      'https://dh.example.com': url,
      ONCE_CODE_FROM_YOUR_BACKEND: JSON.stringify(onceCode),
    })}`;
    siteServer.on('request', (_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    await new Promise<void>((resolve) => siteServer.listen(0, '127.0.0.1', resolve));
    const seen = await watchConsole(page);
    await page.goto(`http://127.0.0.1:${(siteServer.address() as AddressInfo).port}/`);
    await expect(page.locator('#avatar digital-human')).toBeAttached({ timeout: 20_000 });
    // docs/sdk-api.md lists the script-tag global's members: exactly those.
    const documented = /global `DHKit`\s+with exactly ([^\n]+\n[^\n]+)/.exec(read('docs/sdk-api.md'))?.[1] ?? '';
    const members = [...documented.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
    expect(members.length).toBeGreaterThan(3);
    expect(await page.evaluate(() => Object.keys((window as any).DHKit).sort())).toEqual(members);
    await ask(page, '#avatar', 'hello');
    await expect.poll(() => seen.logs.join('\n'), { timeout: 20_000 }).toMatch(/dhkit demo avatar/);
    expect(seen.errors).toEqual([]);
  } finally {
    siteServer.close();
    await dhkit?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
