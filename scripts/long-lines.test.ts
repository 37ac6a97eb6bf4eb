import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeFiles, lineWidth, longLines, longLinesIn } from './long-lines.mjs';

interface Hit {
  path: string;
  line: number;
  width: number;
}

describe('no line over 140 columns in a TypeScript or JavaScript file (scripts/long-lines.mjs)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dhkit-long-lines-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds none in the files git knows of', () => {
    const hits = (longLines() as Hit[]).map((hit) => `${hit.path}:${hit.line} (${hit.width} columns)`);
    expect(hits).toEqual([]);
  });

  it('counts a CJK or full-width character as two columns, any other as one', () => {
    expect(lineWidth('abc')).toBe(3);
    expect(lineWidth('数字人')).toBe(6);
    expect(lineWidth('问：？')).toBe(6);
    expect(lineWidth('é…→')).toBe(3);
  });

  it('reports the lines past the limit with their numbers, a CRLF ending not counted', () => {
    const text = ['a'.repeat(140), 'b'.repeat(141), `${'c'.repeat(140)}\r`, '字'.repeat(71)].join('\n');
    expect(longLinesIn(text)).toEqual([
      { line: 2, width: 141 },
      { line: 4, width: 142 },
    ]);
  });

  it('covers the code files git tracks or would add, not ignored ones or other kinds of file', () => {
    const root = join(scratch, 'repo');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, 'dist'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: root });
    writeFileSync(join(root, '.gitignore'), 'dist/\n');
    writeFileSync(join(root, 'src/long.ts'), `export const a = 1;\nexport const b = '${'x'.repeat(140)}';\n`);
    writeFileSync(join(root, 'src/short.mjs'), 'export const c = 1;\n');
    writeFileSync(join(root, 'dist/long.js'), `${'y'.repeat(500)}\n`);
    writeFileSync(join(root, 'notes.md'), `${'z'.repeat(500)}\n`);
    expect(codeFiles(root)).toEqual(['src/long.ts', 'src/short.mjs']);
    expect(longLines(root)).toEqual([{ path: 'src/long.ts', line: 2, width: 160 }]);
  });
});
