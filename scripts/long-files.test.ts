import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { lineCount, longFiles } from './long-files.mjs';

interface Hit {
  path: string;
  lines: number;
}

describe('no source file over 400 lines (scripts/long-files.mjs)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dhkit-long-files-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds none in packages/, server/, bench/ and scripts/ (tests left out)', () => {
    const hits = (longFiles() as Hit[]).map((hit) => `${hit.path} (${hit.lines} lines)`);
    expect(hits).toEqual([]);
  });

  it('reports a long source file with its length, and not a short one, a long test or build output', () => {
    const lines = (n: number) => `${Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n')}\n`;
    mkdirSync(join(scratch, 'packages/a/src'), { recursive: true });
    mkdirSync(join(scratch, 'packages/a/dist'), { recursive: true });
    for (const dir of ['server', 'bench', 'scripts']) mkdirSync(join(scratch, dir), { recursive: true });
    writeFileSync(join(scratch, 'packages/a/src/long.ts'), lines(401));
    writeFileSync(join(scratch, 'packages/a/src/limit.ts'), lines(400));
    writeFileSync(join(scratch, 'packages/a/src/long.test.ts'), lines(900));
    writeFileSync(join(scratch, 'packages/a/dist/long.js'), lines(900));
    writeFileSync(join(scratch, 'bench/long.mjs'), lines(450));
    const hits = (longFiles(scratch) as Hit[]).map((hit) => `${hit.path} ${hit.lines}`);
    expect(hits).toEqual(['bench/long.mjs 450', 'packages/a/src/long.ts 401']);
  });

  it('counts the last line with or without a final newline', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
  });
});
