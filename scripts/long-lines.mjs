#!/usr/bin/env node
// `node scripts/long-lines.mjs [limit]`: lists every line wider than `limit` columns (140) in the TypeScript and
// JavaScript files git knows of (tracked, or new and not ignored): source, tests, e2e, bench, scripts, examples and the
// scripts that draw the assets; one `path:line (N columns)` a line; exits 1 when there is any. `npm run lint` runs it,
// so CI fails on a long line before any test runs.
//
// Why a script and not a formatter setting: Biome formats at the same width (biome.json `lineWidth`), but no formatter
// breaks a string, a template or a comment, and Biome has no line-length lint rule; ESLint's `max-len` is deprecated in
// ESLint itself and would add a second linter for one rule. Width is counted as Biome counts it: a CJK or full-width
// character takes two columns (so a Chinese line is judged by how wide it shows, not by its UTF-8 bytes). No
// exemptions: strings, URLs and data are broken or reformatted like any other line.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const DEFAULT_WIDTH = 140;
const CODE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;

/** Wide (two-column) code points, after Unicode's East Asian Width W and F: CJK, kana, Hangul, full-width forms, emoji. */
const WIDE_RANGES = [
  [0x1100, 0x115f], // Hangul Jamo
  [0x2e80, 0x303e], // CJK radicals, symbols and punctuation
  [0x3041, 0x33ff], // kana, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // full-width forms
  [0xffe0, 0xffe6], // full-width signs
  [0x1f300, 0x1f64f], // emoji
  [0x1f900, 0x1f9ff], // more emoji
  [0x20000, 0x3fffd], // CJK extensions B and later
];

function isWide(char) {
  const code = char.codePointAt(0);
  return WIDE_RANGES.some(([from, to]) => code >= from && code <= to);
}

/** How many columns a line takes: one a code point, two a wide one, a tab as two (the house indent). */
export function lineWidth(line) {
  let width = 0;
  for (const char of line) width += char === '\t' || isWide(char) ? 2 : 1;
  return width;
}

/** The TypeScript and JavaScript files git knows of below `root` (tracked, or untracked and not ignored). */
export function codeFiles(root = ROOT) {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(listed.split('\0'))].filter((path) => CODE.test(path)).sort();
}

/** The lines of one text wider than `limit`: `{ line, width }`. */
export function longLinesIn(text, limit = DEFAULT_WIDTH) {
  return text
    .split('\n')
    .map((line, index) => ({ line: index + 1, width: lineWidth(line.replace(/\r$/, '')) }))
    .filter((hit) => hit.width > limit);
}

/** Every line over the limit in the covered files: `{ path, line, width }`, in file order. */
export function longLines(root = ROOT, limit = DEFAULT_WIDTH, files = codeFiles(root)) {
  return files.flatMap((path) => {
    let text;
    try {
      text = readFileSync(join(root, path), 'utf8');
    } catch (error) {
      if (error.code === 'ENOENT') return []; // deleted in the working tree, not yet in the index
      throw error;
    }
    return longLinesIn(text, limit).map((hit) => ({ path, ...hit }));
  });
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const limit = Number(process.argv[2] ?? DEFAULT_WIDTH);
  const hits = longLines(ROOT, limit);
  for (const hit of hits) process.stdout.write(`${hit.path}:${hit.line} (${hit.width} columns)\n`);
  if (hits.length) process.stderr.write(`${hits.length} lines over ${limit} columns\n`);
  process.exitCode = hits.length ? 1 : 0;
}
