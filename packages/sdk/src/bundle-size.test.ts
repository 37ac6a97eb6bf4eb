import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * The size budgets (docs/benchmarks.md): the script-tag bundle stays within 60 KB min+gzip (lazy chunks excluded); the headless core
 * (`@dhkit/sdk/core`) within 15 KB.
 */
const BUDGETS = [
  { file: 'dhkit.umd.js', bytes: 60 * 1024 },
  { file: 'dhkit-core.esm.js', bytes: 15 * 1024 },
];

function gzipped(url: URL): number {
  return gzipSync(readFileSync(url), { level: 9 }).length;
}

describe('bundle size', () => {
  for (const { file, bytes } of BUDGETS) {
    const url = new URL(`../dist/${file}`, import.meta.url);
    it.skipIf(!existsSync(url))(`dist/${file} is within ${bytes / 1024} KB min+gzip (run the build first)`, () => {
      expect(gzipped(url)).toBeLessThanOrEqual(bytes);
    });
  }

  const core = new URL('../dist/dhkit-core.esm.js', import.meta.url);
  it.skipIf(!existsSync(core))('the headless core carries no Lit and no answer renderer', () => {
    const text = readFileSync(core, 'utf8');
    expect(text).not.toMatch(/lit-html|LitElement|DOMPurify|marked/);
  });

  const umd = new URL('../dist/dhkit.umd.js', import.meta.url);
  it.skipIf(!existsSync(umd))('the script-tag bundle leaves marked and DOMPurify to the lazy chunk', () => {
    expect(readFileSync(umd, 'utf8')).not.toMatch(/DOMPurify/);
  });

  // livekit-client (~140 KB gz) is only for robots in LiveKit media mode: the lazy livekit.esm.js chunk.
  const livekitChunk = new URL('../dist/livekit.esm.js', import.meta.url);
  it.skipIf(!existsSync(livekitChunk) || !existsSync(umd))('livekit-client lives in its lazy chunk, in no main bundle', () => {
    const livekitCode = /RTCEngine|SignalClient|PCTransport/;
    expect(readFileSync(livekitChunk, 'utf8')).toMatch(livekitCode);
    for (const file of ['dhkit.umd.js', 'dhkit.esm.js', 'dhkit-core.esm.js']) {
      expect(readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8'), file).not.toMatch(livekitCode);
    }
  });
});
