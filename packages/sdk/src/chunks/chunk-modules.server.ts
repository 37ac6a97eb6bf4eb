/**
 * The script-tag build's way to its lazy chunks: a URL import from the dhkit server's `/sdk/` (self-hosted,
 * no CDN). A page that loads `dhkit.umd.js` from the server allows that server in `script-src` already.
 * Swapped in for `chunk-modules.ts` by rollup.config.mjs.
 */
import type { ChunkModules, ChunkName } from './chunk-names.js';

/** Set by the build (rollup.config.mjs): the chunks' URLs carry it, so the server may let browsers cache them. */
declare const __DHKIT_BUILD_ID__: string;

export function importRichMedia(sdkBase: string): Promise<ChunkModules['rich-media']> {
  return importFromServer(sdkBase, 'rich-media');
}

export function importVoice(sdkBase: string): Promise<ChunkModules['voice']> {
  return importFromServer(sdkBase, 'voice');
}

export function importLivekit(sdkBase: string): Promise<ChunkModules['livekit']> {
  return importFromServer(sdkBase, 'livekit');
}

function importFromServer<N extends ChunkName>(sdkBase: string, name: N): Promise<ChunkModules[N]> {
  // The comments keep bundlers from resolving the URL at build time.
  return import(/* @vite-ignore */ /* webpackIgnore: true */ `${sdkBase}/${name}.esm.js?v=${__DHKIT_BUILD_ID__}`) as Promise<
    ChunkModules[N]
  >;
}
