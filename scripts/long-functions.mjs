#!/usr/bin/env node
// `node scripts/long-functions.mjs [limit]`: lists every function, method, constructor, accessor and arrow function
// longer than `limit` lines (80) in the source of packages/, server/, bench/ and scripts/ (tests and build output
// left out), one `path:line name (N lines)` a line; exits 1 when there is any. The house rule is "no function over
// ~80 lines" (docs/architecture.md); scripts/long-functions.test.ts runs this in CI so a new one fails it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROOTS = ['packages', 'server', 'bench', 'scripts'];
const SOURCE = /\.(ts|mts|js|mjs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'test', '.tmp']);
const TEST_FILE = /\.(test|spec|fixture)\.[mc]?[jt]s$|\.d\.ts$/;

const DEFAULT_LIMIT = 80;

/** The source files the rule covers, as paths relative to the repository root. */
export function sourceFiles(root = ROOT) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (SOURCE.test(entry.name) && !TEST_FILE.test(entry.name)) files.push(path);
    }
  };
  for (const dir of ROOTS) walk(dir);
  return files.sort();
}

function functionName(node, source) {
  if (node.name) return node.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent))) {
    return parent.name.getText(source);
  }
  return '(anonymous)';
}

/** The functions in one file's text longer than `limit` lines: `{ line, name, lines }`. */
export function longFunctionsIn(path, text, limit = DEFAULT_LIMIT) {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > limit) found.push({ line: first + 1, name: functionName(node, source), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every function over the limit in the covered tree: `{ path, line, name, lines }`. */
export function longFunctions(root = ROOT, limit = DEFAULT_LIMIT) {
  return sourceFiles(root).flatMap((path) =>
    longFunctionsIn(path, readFileSync(join(root, path), 'utf8'), limit).map((hit) => ({ path, ...hit })),
  );
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const limit = Number(process.argv[2] ?? DEFAULT_LIMIT);
  const hits = longFunctions(ROOT, limit);
  for (const hit of hits) process.stdout.write(`${hit.path}:${hit.line} ${hit.name} (${hit.lines} lines)\n`);
  process.exitCode = hits.length ? 1 : 0;
}
