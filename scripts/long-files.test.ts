import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LONG_TEST_FILES_BEING_SPLIT, lineCount, longFiles, testFiles } from './long-files.mjs';

interface Hit {
  path: string;
  lines: number;
}

describe('no source or test file over 400 lines (scripts/long-files.mjs)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dhkit-long-files-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const lines = (n: number) => `${Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n')}\n`;

  it('finds none in packages/, server/, bench/ and scripts/, tests and test folders included', () => {
    const hits = (longFiles() as Hit[]).map((hit) => `${hit.path} (${hit.lines} lines)`);
    expect(hits).toEqual([]);
  });

  it('allows at most the two LiveKit test files that were being split elsewhere: the list only shrinks', () => {
    expect(['e2e/livekit.spec.ts', 'test/livekit-server/room.ts']).toEqual(
      expect.arrayContaining([...(LONG_TEST_FILES_BEING_SPLIT as Set<string>)]),
    );
  });

  it('reports a long source file with its length, and not a short one or build output', () => {
    const root = join(scratch, 'source');
    mkdirSync(join(root, 'packages/a/src'), { recursive: true });
    mkdirSync(join(root, 'packages/a/dist'), { recursive: true });
    for (const dir of ['server', 'bench', 'scripts']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'packages/a/src/long.ts'), lines(401));
    writeFileSync(join(root, 'packages/a/src/limit.ts'), lines(400));
    writeFileSync(join(root, 'packages/a/dist/long.js'), lines(900));
    writeFileSync(join(root, 'bench/long.mjs'), lines(450));
    const hits = (longFiles(root) as Hit[]).map((hit) => `${hit.path} ${hit.lines}`);
    expect(hits).toEqual(['bench/long.mjs 450', 'packages/a/src/long.ts 401']);
  });

  it('reports a long test file beside the code or in a test folder, unless it is allowed', () => {
    const root = join(scratch, 'tests');
    for (const dir of [
      'packages/a/src',
      'packages/a/test',
      'server/test/fixtures',
      'bench',
      'scripts',
      'e2e/node_modules/x',
      'test/double',
    ]) {
      mkdirSync(join(root, dir), { recursive: true });
    }
    writeFileSync(join(root, 'packages/a/src/long.test.ts'), lines(900));
    writeFileSync(join(root, 'packages/a/src/short.test.ts'), lines(400));
    writeFileSync(join(root, 'packages/a/test/long-harness.ts'), lines(401));
    writeFileSync(join(root, 'server/test/fixtures/long-server.ts'), lines(402));
    writeFileSync(join(root, 'e2e/long.spec.ts'), lines(403));
    writeFileSync(join(root, 'e2e/long-page.mjs'), lines(404));
    writeFileSync(join(root, 'e2e/node_modules/x/index.js'), lines(900));
    writeFileSync(join(root, 'test/double/room.ts'), lines(500));
    expect(testFiles(root)).toEqual([
      'e2e/long-page.mjs',
      'e2e/long.spec.ts',
      'packages/a/src/long.test.ts',
      'packages/a/src/short.test.ts',
      'packages/a/test/long-harness.ts',
      'server/test/fixtures/long-server.ts',
      'test/double/room.ts',
    ]);
    const hits = (longFiles(root, 400, new Set(['test/double/room.ts'])) as Hit[]).map((hit) => `${hit.path} ${hit.lines}`);
    expect(hits).toEqual([
      'packages/a/src/long.test.ts 900',
      'e2e/long-page.mjs 404',
      'e2e/long.spec.ts 403',
      'server/test/fixtures/long-server.ts 402',
      'packages/a/test/long-harness.ts 401',
    ]);
  });

  it('counts the last line with or without a final newline', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
  });
});
