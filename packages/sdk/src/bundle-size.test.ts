import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** DESIGN.md §5: the script-tag bundle stays within 60 KB min+gzip (lazy chunks excluded). */
const UMD_BUDGET_BYTES = 60 * 1024;
const umd = new URL('../dist/dhkit.umd.js', import.meta.url);

describe('bundle size', () => {
  it.skipIf(!existsSync(umd))('dist/dhkit.umd.js is within its budget (run the build first)', () => {
    const gzipped = gzipSync(readFileSync(umd), { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(UMD_BUDGET_BYTES);
  });
});
