// Builds the browser SDK: ESM for bundlers and `import`, UMD (global `DHKit`) for a script tag.
// Type declarations are emitted by tsc (see packages/sdk/package.json).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const sdk = 'packages/sdk';
const plugins = [
  nodeResolve({ browser: true, rootDir: sdk }),
  esbuild({ target: 'es2020', tsconfig: `${sdk}/tsconfig.json` }),
  // ascii_only: the bundle carries Chinese UI strings; escaping them keeps it intact on pages without a charset.
  terser({ format: { comments: false, ascii_only: true } }),
];

// The voice chunk's files, served by the dhkit server under /sdk/voice/ (never a CDN): the Silero VAD model
// shipped in @ricky0123/vad-web and onnxruntime-web's wasm binary.
const voiceAssets = [
  'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
  'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs',
];
function copyVoiceAssets() {
  return {
    name: 'copy-voice-assets',
    async writeBundle() {
      const { copyFile, mkdir } = await import('node:fs/promises');
      const path = await import('node:path');
      await mkdir(`${sdk}/dist/voice`, { recursive: true });
      for (const file of voiceAssets) await copyFile(file, `${sdk}/dist/voice/${path.basename(file)}`);
    },
  };
}

export default [
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/dhkit.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/dhkit.umd.js`, format: 'umd', name: 'DHKit', sourcemap: true },
    plugins,
  },
  // Lazy voice chunk: loaded with import(serverAddress + '/sdk/voice.esm.js') only when voice is used.
  {
    input: `${sdk}/src/voice/engine.ts`,
    output: { file: `${sdk}/dist/voice.esm.js`, format: 'es', sourcemap: true },
    plugins: [...plugins, copyVoiceAssets()],
  },
  {
    input: `${sdk}/src/voice/capture.worklet.ts`,
    output: { file: `${sdk}/dist/voice/capture-worklet.js`, format: 'es', sourcemap: false },
    plugins,
  },
];
