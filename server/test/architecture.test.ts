/**
 * The rules of the house (docs/architecture.md), checked on every import of the server's and the
 * renderer's sources: a domain folder never reaches into the HTTP layer, adapters never into the sessions
 * or the turn that use them, the store only into errors, and the server never into browser code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_SRC = path.join(ROOT, 'server/src');

interface Import {
  /** The importing file, relative to the repository root. */
  from: string;
  /** What it imports: a path relative to the repository root (local files) or a package name. */
  target: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
  return specifiers.map((specifier) => ({
    from: path.relative(ROOT, file),
    target: specifier.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), specifier)) : specifier,
  }));
}

const serverImports = sourceFiles(SERVER_SRC).flatMap(importsOf);

/** The top folder under server/src of a repository path (a loose file counts as its own name). */
function area(repoPath: string): string | null {
  if (!repoPath.startsWith('server/src/')) return null;
  return repoPath
    .slice('server/src/'.length)
    .split('/')[0]
    .replace(/\.[jt]s$/, '');
}

function violations(rule: (from: string, to: string | null, target: string) => boolean): string[] {
  return serverImports.filter((i) => rule(area(i.from)!, area(i.target), i.target)).map((i) => `${i.from} → ${i.target}`);
}

describe('rules of the house (server)', () => {
  it('reads imports at all', () => {
    expect(serverImports.some((i) => i.from === 'server/src/app.ts' && i.target === 'server/src/http/robot-routes.js')).toBe(true);
  });

  it('only the composition root imports the HTTP layer', () => {
    expect(violations((from, to) => to === 'http' && from !== 'http' && from !== 'app')).toEqual([]);
  });

  it('adapters never import the sessions, turns, media or HTTP that use them', () => {
    expect(violations((from, to) => from === 'adapters' && ['sessions', 'turn', 'media', 'http', 'app'].includes(to ?? ''))).toEqual([]);
  });

  it('the store imports nothing of ours but errors', () => {
    expect(violations((from, to) => from === 'store' && to !== null && !['store', 'errors'].includes(to))).toEqual([]);
  });

  it('the turn pipeline knows adapters, not sessions, media or HTTP', () => {
    expect(violations((from, to) => from === 'turn' && ['sessions', 'media', 'http', 'app'].includes(to ?? ''))).toEqual([]);
  });

  it('the server never imports browser code: the SDK, the renderer, playwright', () => {
    // A package or any module in it (`@playwright` is the scope: `@playwright/test` is in it).
    const browserPackages = ['@dhkit/sdk', '@dhkit/console', '@dhkit/renderer', 'playwright', 'playwright-core', '@playwright'];
    const browserOnly = new RegExp(`^(${[...browserPackages, 'livekit-client', 'lit', 'onnxruntime-web'].join('|')})(/|$)|^packages/`);
    expect(serverImports.filter((i) => browserOnly.test(i.target)).map((i) => `${i.from} → ${i.target}`)).toEqual([]);
  });

  it("the server's package.json declares no browser-only dependency", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'server/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const declared = Object.keys(pkg.dependencies);
    expect(
      declared.filter((name) => /^(playwright|playwright-core|livekit-client|lit|onnxruntime-web|@dhkit\/renderer)$/.test(name)),
    ).toEqual([]);
  });
});

describe('rules of the house (renderer)', () => {
  it('the renderer reaches the server only through the protocol package', () => {
    const rendererImports = sourceFiles(path.join(ROOT, 'packages/renderer/src')).flatMap(importsOf);
    expect(rendererImports.length).toBeGreaterThan(0);
    expect(rendererImports.filter((i) => i.target.startsWith('server/') || i.target.startsWith('@dhkit/server'))).toEqual([]);
  });
});

describe('rules of the house (console)', () => {
  const consoleImports = sourceFiles(path.join(ROOT, 'packages/console/src')).flatMap(importsOf);
  const valueImports = (file: string) =>
    [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?:^|\n)\s*import\s+(?!type\b)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);

  it('the console reaches the server only over HTTP, and the SDK only as the server serves it', () => {
    expect(consoleImports.length).toBeGreaterThan(10);
    expect(consoleImports.filter((i) => i.target.startsWith('server/') || i.target.startsWith('@dhkit/server'))).toEqual([]);
    expect(consoleImports.filter((i) => i.target.startsWith('packages/sdk') || i.target.startsWith('packages/protocol'))).toEqual([]);
    // Types only from the SDK and the protocol: their code reaches the console from /sdk/ at run time.
    const files = [...new Set(consoleImports.map((i) => i.from))];
    const values = files.flatMap((file) =>
      valueImports(file)
        .filter((t) => /^@dhkit\//.test(t))
        .map((t) => `${file} → ${t}`),
    );
    expect(values).toEqual([]);
  });
});
