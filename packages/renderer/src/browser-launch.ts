/**
 * Chromium with its sandbox. Chromium refuses to sandbox itself as root, and a renderer draws whatever a
 * session's pack holds, so a renderer started as root runs the browser as an unprivileged user instead
 * (`nobody` unless DHKIT_RENDERER_BROWSER_USER names another): a small wrapper hands Playwright's profile
 * directory to that user and drops to it with setpriv before Chromium starts. `--no-sandbox` is used only when
 * the operator asks for it (DHKIT_RENDERER_NO_SANDBOX=1: a container whose seccomp profile forbids the user
 * namespaces the sandbox needs); a sandbox that cannot start is an error saying so, never a silent downgrade.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserType } from 'playwright-core';

export interface BrowserLaunchOptions {
  executablePath: string;
  args: string[];
  /** Run without Chromium's sandbox (operator's explicit choice). */
  noSandbox?: boolean;
  /** The account the browser runs as when the renderer runs as root (default `nobody`). */
  browserUser?: string;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** How the browser runs, for the start-up line: sandboxed as whom, or not sandboxed. */
  description: string;
  /** Removes the wrapper and home directory made for the unprivileged browser. */
  cleanUp(): void;
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

function lookUpAccount(name: string): Account {
  const passwd = fs.readFileSync('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && Number(uid) !== 0) return { name, uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`The browser user "${name}" does not exist (or is root); set DHKIT_RENDERER_BROWSER_USER to an unprivileged account.`);
}

function findSetpriv(): string {
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) if (fs.existsSync(candidate)) return candidate;
  throw new Error('The renderer runs as root and needs setpriv (util-linux) to start Chromium as an unprivileged user.');
}

/** A launcher script that gives the profile to `account` and execs Chromium as it. */
function writeDropWrapper(chromium: string, account: Account): { wrapper: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dhkit-renderer-browser-'));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  fs.chownSync(home, account.uid, account.gid);
  fs.chmodSync(dir, 0o755);
  const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
  const ids = `${account.uid}:${account.gid}`;
  const script = [
    '#!/bin/sh',
    '# Playwright creates the profile directory as root; the browser user must own it.',
    `for arg in "$@"; do case "$arg" in --user-data-dir=*) chown -R ${ids} "\${arg#--user-data-dir=}";; esac; done`,
    `exec ${findSetpriv()} --reuid=${account.uid} --regid=${account.gid} --clear-groups --inh-caps=-all \\`,
    `  env HOME=${quote(home)} ${quote(chromium)} "$@"`,
    '',
  ].join('\n');
  const wrapper = path.join(dir, 'chromium');
  fs.writeFileSync(wrapper, script, { mode: 0o755 });
  return { wrapper, dir };
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function launchChromium(chromium: BrowserType, options: BrowserLaunchOptions): Promise<LaunchedBrowser> {
  if (options.noSandbox) {
    const browser = await chromium.launch({ executablePath: options.executablePath, args: ['--no-sandbox', ...options.args] });
    return { browser, description: 'WITHOUT its sandbox (DHKIT_RENDERER_NO_SANDBOX=1)', cleanUp: () => undefined };
  }
  let executablePath = options.executablePath;
  let dir: string | null = null;
  let description = 'sandboxed';
  if (isRoot()) {
    const account = lookUpAccount(options.browserUser ?? 'nobody');
    ({ wrapper: executablePath, dir } = writeDropWrapper(options.executablePath, account));
    description = `sandboxed, as ${account.name} (uid ${account.uid})`;
  }
  const cleanUp = () => dir && fs.rmSync(dir, { recursive: true, force: true });
  try {
    // chromiumSandbox: Playwright adds --no-sandbox unless told the sandbox is wanted.
    const browser = await chromium.launch({ executablePath, args: options.args, chromiumSandbox: true });
    return { browser, description, cleanUp };
  } catch (error) {
    cleanUp();
    throw new Error(
      `Chromium did not start with its sandbox (${(error as Error).message.split('\n')[0]}). If this host forbids the user ` +
        'namespaces it needs (some container seccomp profiles), allow them, or set DHKIT_RENDERER_NO_SANDBOX=1 knowingly.',
      { cause: error },
    );
  }
}
