#!/usr/bin/env node
// `node scripts/long-files.mjs [limit]`: lists every source file of packages/, server/, bench/ and scripts/ (the
// files scripts/long-functions.mjs covers: tests and build output left out) longer than `limit` lines (400), one
// `path (N lines)` a line; exits 1 when there is any. The house rule is "a file past ~400 lines holds two concepts:
// split it" (docs/architecture.md); scripts/long-files.test.ts runs this in CI so a new one fails it.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from './long-functions.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const DEFAULT_FILE_LIMIT = 400;

/** Lines in a text, the last one counted whether or not it ends with a newline (as `wc -l` counts a file that does). */
export function lineCount(text) {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Every covered file over the limit: `{ path, lines }`, longest first. */
export function longFiles(root = ROOT, limit = DEFAULT_FILE_LIMIT) {
  return sourceFiles(root)
    .map((path) => ({ path, lines: lineCount(readFileSync(join(root, path), 'utf8')) }))
    .filter((file) => file.lines > limit)
    .sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const limit = Number(process.argv[2] ?? DEFAULT_FILE_LIMIT);
  const hits = longFiles(ROOT, limit);
  for (const hit of hits) process.stdout.write(`${hit.path} (${hit.lines} lines)\n`);
  process.exitCode = hits.length ? 1 : 0;
}
