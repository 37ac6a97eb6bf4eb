#!/usr/bin/env node
// `node scripts/long-files.mjs [limit]`: lists every source file of packages/, server/, bench/ and scripts/ (the files
// scripts/long-functions.mjs covers) and every test file (beside the code, and in e2e/, server/test/, packages/*/test/
// and test/) longer than `limit` lines (400), one `path (N lines)` a line; exits 1 when there is any. Build output is
// left out. The house rule is "a file past ~400 lines holds two concepts: split it" (docs/architecture.md), for tests
// as for source; scripts/long-files.test.ts runs this in CI so a new one fails it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from './long-functions.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const DEFAULT_FILE_LIMIT = 400;

/** Where test files live: beside the code in the source roots, and these folders of their own (tests and their helpers). */
const ROOTS = ['packages', 'server', 'bench', 'scripts', 'e2e', 'test'];
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const BUILD_OUTPUT = new Set(['node_modules', 'dist', '.tmp', 'test-results', 'playwright-report']);

/**
 * Test files over the limit that another change is splitting: reported on stderr, not failed, until that split lands.
 * It held e2e/livekit.spec.ts and the LiveKit server test double's room.ts until the media work split them; it only
 * shrinks, and every file not in it must pass.
 */
/** @type {Set<string>} */
export const LONG_TEST_FILES_BEING_SPLIT = new Set([]);

/** Lines in a text, the last one counted whether or not it ends with a newline (as `wc -l` counts a file that does). */
export function lineCount(text) {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/**
 * The covered files that are not source: tests beside the code, and everything in the test folders (specs, test servers,
 * harnesses, fixtures), as paths relative to the repository root.
 */
export function testFiles(root = ROOT) {
  const sources = new Set(sourceFiles(root));
  const files = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!BUILD_OUTPUT.has(entry.name)) walk(path);
      } else if (CODE.test(entry.name) && !sources.has(path)) files.push(path);
    }
  };
  for (const dir of ROOTS) walk(dir);
  return files.sort();
}

/** Every covered file over the limit: `{ path, lines }`, longest first; `allowed` paths are left out. */
export function longFiles(root = ROOT, limit = DEFAULT_FILE_LIMIT, allowed = LONG_TEST_FILES_BEING_SPLIT) {
  return [...sourceFiles(root), ...testFiles(root)]
    .filter((path) => !allowed.has(path))
    .map((path) => ({ path, lines: lineCount(readFileSync(join(root, path), 'utf8')) }))
    .filter((file) => file.lines > limit)
    .sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const limit = Number(process.argv[2] ?? DEFAULT_FILE_LIMIT);
  const hits = longFiles(ROOT, limit);
  for (const hit of hits) process.stdout.write(`${hit.path} (${hit.lines} lines)\n`);
  for (const path of LONG_TEST_FILES_BEING_SPLIT) {
    if (!existsSync(join(ROOT, path))) continue;
    const lines = lineCount(readFileSync(join(ROOT, path), 'utf8'));
    if (lines > limit) process.stderr.write(`${path} (${lines} lines; allowed while it is being split)\n`);
  }
  process.exitCode = hits.length ? 1 : 0;
}
