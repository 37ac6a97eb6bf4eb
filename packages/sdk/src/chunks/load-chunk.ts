/**
 * The one loader of the SDK's lazy chunks (rich-media, voice, livekit). Bundled by an app, a chunk is the app's
 * own dynamic import; in the script-tag build it comes from the dhkit server's `/sdk/` (chunk-modules*.ts).
 * Either way a chunk is loaded once per page, a failed load may be retried, and a failure is a `DHKitError`
 * with code `CHUNK_LOAD_FAILED` that names the chunk (the cause says why: a CSP that blocks it, a proxy, a
 * missing file). Kept small: it is part of the headless core's 15 KB.
 */
import { DHKitError } from '../core/errors.js';
import { importLivekit, importRichMedia, importVoice } from './chunk-modules.js';
import type { ChunkModules, ChunkName } from './chunk-names.js';

export type { ChunkModules, ChunkName } from './chunk-names.js';

const loading = new Map<ChunkName, Promise<unknown>>();

/**
 * Loads a chunk once; rejects with `DHKitError` `CHUNK_LOAD_FAILED`, after which a later call tries again.
 * `httpBase` is the server's normalized http(s) base (`normalizeServerAddress(…).httpBase`).
 */
function loadChunk<N extends ChunkName>(name: N, httpBase: string, importer: (httpBase: string) => Promise<ChunkModules[N]>): Promise<ChunkModules[N]> {
  let promise = loading.get(name);
  if (!promise) {
    promise = importer(httpBase).catch((cause: unknown) => {
      loading.delete(name);
      throw new DHKitError('CHUNK_LOAD_FAILED', `The ${name} chunk did not load: ${cause}`, { cause });
    });
    loading.set(name, promise);
  }
  return promise as Promise<ChunkModules[N]>;
}

export const loadRichMediaChunk = (httpBase: string) => loadChunk('rich-media', httpBase, importRichMedia);
export const loadVoiceChunk = (httpBase: string) => loadChunk('voice', httpBase, importVoice);
export const loadLivekitChunk = (httpBase: string) => loadChunk('livekit', httpBase, importLivekit);
