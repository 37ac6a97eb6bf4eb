import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Message } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * An app bundling the SDK with esbuild sees no warning. The one it used to see: a bare `import './x.js'` of a module
 * that the SDK's package.json (`sideEffects`) declares free of side effects is dropped, with an
 * `ignored-bare-import` warning, and whatever the import was for is silently lost. Bundled from the sources through
 * the repository's tsconfig paths, as the docs' framework apps in e2e/ are; both public entries and the headless core.
 */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

async function bundleWarnings(entry: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts', sourcefile: 'app.ts' },
    tsconfig: path.join(repoRoot, 'tsconfig.json'),
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.warnings.map((warning: Message) => `${warning.id}: ${warning.text} (${warning.location?.file ?? '?'})`);
}

describe('an app bundling the SDK with esbuild', () => {
  it('sees no warning for @dhkit/sdk (create() and the elements)', async () => {
    expect(await bundleWarnings("import { create } from '@dhkit/sdk';\nconsole.log(create);\n")).toEqual([]);
  });

  it('sees no warning for the headless core and the kiosk', async () => {
    const core = path.join(repoRoot, 'packages/sdk/src/core.ts');
    const entry = [
      `import * as core from ${JSON.stringify(core)};`,
      "import { createKiosk } from '@dhkit/sdk';",
      'console.log(core, createKiosk);',
    ].join('\n');
    expect(await bundleWarnings(entry)).toEqual([]);
  });
});
