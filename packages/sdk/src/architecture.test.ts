/**
 * The SDK's import rules (docs/architecture.md): the headless parts never import the UI or Lit, and no main
 * bundle file imports a lazy chunk's entry as a value (only its types; chunks are loaded, not bundled). And the
 * components' layout: one folder each, with a test beside the component.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('./', import.meta.url);
const HEADLESS = ['core', 'channel', 'chunks', 'playback', 'voice', 'avatar', 'i18n'];
const CHUNK_ENTRIES = ['rich-media/chunk', 'voice/engine', 'avatar/livekit-surface', 'avatar/livekit-publisher'];

function sources(folder: string): string[] {
  return readdirSync(new URL(`${folder}/`, root))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => `${folder}/${name}`);
}

/** `[specifier, typeOnly]` of each import and re-export of a file. */
function importsOf(file: string): Array<[string, boolean]> {
  const source = readFileSync(new URL(file, root), 'utf8');
  return [...source.matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((match) => [
    match[2] ?? match[3]!,
    !!match[1],
  ]);
}

/** Files a chunk entry pulls in are part of the chunk, so they may import each other. */
const chunkFiles = new Set(['voice/engine.ts', 'voice/wake-word.ts', 'voice/vad-segmenter.ts', 'voice/capture.worklet.ts']);

describe('SDK import rules', () => {
  it('the headless parts import neither the UI nor Lit', () => {
    const offending = HEADLESS.flatMap(sources).flatMap((file) =>
      importsOf(file)
        .filter(([specifier]) => specifier.startsWith('../ui/') || specifier === 'lit' || specifier.startsWith('lit/'))
        .map(([specifier]) => `${file} → ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('no main-bundle file imports a lazy chunk entry as a value', () => {
    const files = [...HEADLESS, 'ui', 'rich-media'].flatMap(sources).filter((file) => !chunkFiles.has(file));
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter(
          ([specifier, typeOnly]) => !typeOnly && CHUNK_ENTRIES.includes(posix.join(posix.dirname(file), specifier).replace(/\.js$/, '')),
        )
        .filter(([specifier]) => !(file.startsWith('rich-media/') && specifier === './chunk.js'))
        .map(([specifier]) => `${file} → ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('the Lit components', () => {
  it('each has its folder with x.component.ts (the element and its tag type), x.styles.ts and a test beside it', () => {
    const folders = readdirSync(new URL('ui/', root), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'internal')
      .map((entry) => entry.name);
    expect(folders.length).toBeGreaterThanOrEqual(9);
    const missing = folders.flatMap((folder) => {
      const files = new Set(readdirSync(new URL(`ui/${folder}/`, root)));
      const wanted = ['component.ts', 'styles.ts', 'test.ts'].map((suffix) => `${folder}.${suffix}`);
      return wanted.filter((file) => !files.has(file)).map((file) => `ui/${folder}/${file}`);
    });
    expect(missing).toEqual([]);
  });
});
