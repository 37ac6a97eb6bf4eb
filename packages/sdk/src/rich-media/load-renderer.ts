/**
 * Loads the answer renderer chunk from the dhkit server (`{serverAddress}/sdk/rich-media.esm.js`), like the
 * voice chunk: self-hosted, no CDN, one copy per page.
 */
import { normalizeServerAddress } from '../channel/server-address.js';

export type RendererChunk = typeof import('./chunk.js');

export const RENDERER_CHUNK_FILE = 'rich-media.esm.js';

let loaded: RendererChunk | null = null;
const loading = new Map<string, Promise<RendererChunk>>();

/** The chunk's URL for a server address. */
export function rendererChunkUrl(serverAddress: string): string {
  return `${normalizeServerAddress(serverAddress).httpBase}/sdk/${RENDERER_CHUNK_FILE}`;
}

/** The renderer if it is loaded already (to render synchronously), else null. */
export function loadedRenderer(): RendererChunk | null {
  return loaded;
}

/** Loads the renderer once; a failed load may be retried. */
export function loadRenderer(serverAddress: string): Promise<RendererChunk> {
  if (loaded) return Promise.resolve(loaded);
  const url = rendererChunkUrl(serverAddress);
  let promise = loading.get(url);
  if (!promise) {
    promise = (import(/* @vite-ignore */ /* webpackIgnore: true */ url) as Promise<RendererChunk>).then((chunk) => (loaded = chunk));
    promise.catch(() => loading.delete(url));
    loading.set(url, promise);
  }
  return promise;
}
