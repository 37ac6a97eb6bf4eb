/**
 * The public API, pinned by name: what `@dhkit/sdk`, `@dhkit/sdk/core` and the script-tag global `DHKit`
 * export. A name added or removed here is a decision about the public contract (docs/sdk-api.md), never an
 * accident of a refactor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const SDK_VALUES = ['DHKitError', 'answerPlainText', 'checkBrowserSupport', 'create', 'createKiosk', 'renderAnswer', 'version'];
const SDK_TYPES = [
  'AnswerMedia',
  'AvatarState',
  'AvatarSurface',
  'BrowserSupport',
  'ChatTextEvent',
  'CreateOptions',
  'DigitalHuman',
  'DigitalHumanConfig',
  'DigitalHumanElement',
  'DigitalHumanEventListeners',
  'DigitalHumanEventMap',
  'DigitalHumanEventName',
  'DropReason',
  'DroppedContent',
  'ErrorCode',
  'InteractionMode',
  'JobInfo',
  'JobState',
  'Kiosk',
  'KioskCreateOptions',
  'KioskEventMap',
  'KioskOptions',
  'KioskState',
  'LanguageChangeEventDetail',
  'LanguageCode',
  'Listener',
  'LogLevel',
  'MediaBlockedEventDetail',
  'MediaKind',
  'MediaMode',
  'MediaOpenEventDetail',
  'MicEventDetail',
  'OnceCodeOption',
  'PendingDigitalHuman',
  'QuestionEventDetail',
  'RenderAnswerOptions',
  'RenderedAnswer',
  'WakeupType',
];
const CORE_VALUES = ['DHKitError', 'checkBrowserSupport', 'create', 'version'];
const CORE_TYPES = [
  'BrowserSupport',
  'ChatTextEvent',
  'CreateOptions',
  'DigitalHuman',
  'DigitalHumanConfig',
  'DigitalHumanEventListeners',
  'DigitalHumanEventMap',
  'DigitalHumanEventName',
  'ErrorCode',
  'InteractionMode',
  'JobInfo',
  'JobState',
  'LanguageCode',
  'Listener',
  'LogLevel',
  'MediaMode',
  'OnceCodeOption',
  'PendingDigitalHuman',
];

/** The names of a barrel's `export type { … }` lists (the barrels export nothing else type-only). */
function typeExports(barrel: string): string[] {
  const source = readFileSync(new URL(barrel, import.meta.url), 'utf8');
  const names = [...source.matchAll(/export type \{([^}]*)\}/g)].flatMap((match) =>
    match[1]!
      .split(',')
      .map((name) => name.trim().replace(/^default as /, ''))
      .filter(Boolean),
  );
  return names.sort();
}

describe('public API', () => {
  // Importing the whole SDK (Lit included) through the test transform takes seconds on a loaded machine.
  it('@dhkit/sdk exports exactly these values and types', { timeout: 60_000 }, async () => {
    expect(Object.keys(await import('./index.js')).sort()).toEqual(SDK_VALUES);
    expect(typeExports('./index.ts')).toEqual(SDK_TYPES);
  });

  it('@dhkit/sdk/core exports exactly these values and types', async () => {
    expect(Object.keys(await import('./core.js')).sort()).toEqual(CORE_VALUES);
    expect(typeExports('./core.ts')).toEqual(CORE_TYPES);
  });

  const umd = new URL('../dist/dhkit.umd.js', import.meta.url);
  it.skipIf(!existsSync(umd))('the script tag defines the global DHKit with the same values (run the build first)', () => {
    // What loading the bundle touches: Lit's base class and the tree walker lit-html makes up front.
    const page: Record<string, unknown> = { HTMLElement: class {}, document: { createTreeWalker: () => ({}) }, console };
    page.globalThis = page;
    page.self = page;
    runInNewContext(readFileSync(umd, 'utf8'), page);
    expect(Object.keys(page.DHKit as object).sort()).toEqual(SDK_VALUES);
  });
});
