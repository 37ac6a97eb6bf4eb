import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm install @dhkit/sdk` as an app would do it: the packed tarball installs alone into an empty folder (no other
 * package of this repository), its types check a file that uses `create()` and `on('semanticRecognized', …)`,
 * and a text-only app's node_modules stays under 20 MB. Needs the build (`npm run build`) and the npm registry
 * or npm's cache for `lit`.
 */
const sdkDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(sdkDir, '../..');
const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
const built = existsSync(path.join(sdkDir, 'dist/dhkit.esm.js')) && existsSync(path.join(sdkDir, 'dist/types/index.d.ts'));
const MAX_NODE_MODULES_BYTES = 20 * 1024 * 1024;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    const stat = statSync(file);
    total += stat.isDirectory() ? sizeOf(file) : stat.size;
  }
  return total;
}

function typecheck(app: string, source: string): string {
  writeFileSync(path.join(app, 'app.ts'), source);
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '-p', app], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe.skipIf(!built)('the SDK as an npm package (run the build first)', () => {
  let work: string;
  let app: string;
  let packed: string[];

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'dhkit-pack-'));
    const [{ filename, files }] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], sdkDir)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    packed = files.map((file) => file.path);
    app = path.join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'first-app', private: true, type: 'module' }));
    npm(['install', '--prefer-offline', path.join(work, filename)], app);
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2022', 'DOM'],
          strict: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    );
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs alone: nothing from this repository but @dhkit/sdk itself', () => {
    const installed = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const ours = Object.keys(installed.packages).filter((name) => name.includes('node_modules/@dhkit/'));
    expect(ours).toEqual(['node_modules/@dhkit/sdk']);
  });

  it('type-checks create() and a semanticRecognized listener, and rejects a wrong use', () => {
    const usage =
      `import { create, DHKitError, type DigitalHuman } from '@dhkit/sdk';
import { create as createHeadless } from '@dhkit/sdk/core';
import { renderAnswerNow } from '@dhkit/sdk/rich-media';
const dh: DigitalHuman = await create({ serverAddress: 'https://dh.example.com', robotId: 'lobby', onceCode: 'abc', ` +
      `containerId: 'avatar' });
dh.on('semanticRecognized', (e) => console.log(e.text.toUpperCase(), e.isLast));
dh.on('error', (e) => console.log(e.code === 'ONCE_CODE_INVALID'));
const headless = await createHeadless({ serverAddress: 'https://dh.example.com', robotId: 'lobby', onceCode: 'abc' });
console.log(headless instanceof Object, DHKitError.name, typeof renderAnswerNow);
`;
    expect(typecheck(app, usage)).toBe('');
    // The types are real: a misspelt field and a wrong event payload do not pass.
    const wrong = `import { create } from '@dhkit/sdk';
const dh = await create({ serverAddress: 'https://dh.example.com', robotId: 'lobby', onceCode: 'abc', containerId: 'avatar' });
dh.on('semanticRecognized', (e) => e.txt);
`;
    expect(typecheck(app, wrong)).toMatch(/Property 'txt' does not exist/);
  }, 120_000);

  it("keeps a text-only app's node_modules under 20 MB: voice models and wasm stay on the server", () => {
    expect(sizeOf(path.join(app, 'node_modules'))).toBeLessThan(MAX_NODE_MODULES_BYTES);
    expect(packed.filter((file) => /\.(onnx|wasm)$/.test(file))).toEqual([]);
  });

  it("ships every lazy chunk its ESM entries import, as relative imports an app's bundler follows", () => {
    for (const entry of ['dist/dhkit.esm.js', 'dist/dhkit-core.esm.js']) {
      expect(packed).toContain(entry);
      const imports = [...readFileSync(path.join(sdkDir, entry), 'utf8').matchAll(/import\("([^"]+)"\)/g)].map((m) => m[1]);
      expect(imports.length, entry).toBeGreaterThan(0);
      for (const specifier of imports) {
        expect(specifier, entry).toMatch(/^\.\/[a-z-]+\.esm\.js$/);
        expect(packed, `${entry} imports ${specifier}`).toContain(`dist/${specifier.slice(2)}`);
      }
    }
  });
});
