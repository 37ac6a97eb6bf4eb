/**
 * How the SDK reaches its lazy chunks when an app bundles it (the npm package's ESM entries): plain relative
 * dynamic imports. The SDK's rollup build turns each into `import('./<name>.esm.js')` next to the entry, so the
 * app's bundler (Vite, webpack, rollup) follows it and emits the chunk with the app; a strict CSP
 * (`script-src 'self'`) then needs nothing from the dhkit server. The script-tag build swaps this file for
 * `chunk-modules.server.ts` (see rollup.config.mjs). One function per chunk, so a build keeps only those it uses.
 */
import type { ChunkModules } from './chunk-names.js';

// `_sdkBase` is unused here: the chunk comes with the app.
export function importRichMedia(_sdkBase: string): Promise<ChunkModules['rich-media']> {
  return import('../rich-media/chunk.js');
}

export function importVoice(_sdkBase: string): Promise<ChunkModules['voice']> {
  return import('../voice/engine.js');
}

export function importLivekit(_sdkBase: string): Promise<ChunkModules['livekit']> {
  return import('../avatar/livekit-surface.js');
}
