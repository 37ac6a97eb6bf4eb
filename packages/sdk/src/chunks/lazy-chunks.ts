/**
 * The one loader of the SDK's lazy chunks (rich-media, voice, livekit). Bundled by an app, a chunk is the app's
 * own dynamic import; in the script-tag build it comes from the dhkit server's `/sdk/` (chunk-modules*.ts).
 * Either way a failure is a `DHKitError` with code `CHUNK_LOAD_FAILED` that names the chunk (the cause says why:
 * a CSP that blocks it, a proxy, a missing file). Kept small: it is part of the headless core's 15 KB.
 */
import { DHKitError } from '../core/errors.js';
import { importLivekit, importRichMedia, importVoice } from './chunk-modules.js';
import type { ChunkModules, ChunkName } from './chunk-names.js';

export type { ChunkModules, ChunkName } from './chunk-names.js';

/**
 * Loads a chunk; rejects with `DHKitError` `CHUNK_LOAD_FAILED`. The browser's module map keeps one copy per page
 * (a second import of the same chunk is the same module), and a load that failed is tried again next time.
 * `sdkBase` is the server's `/sdk` URL (`{httpBase}/sdk`), where the script-tag build finds its chunks.
 */
function loadChunk<N extends ChunkName>(
  name: N,
  sdkBase: string,
  importer: (sdkBase: string) => Promise<ChunkModules[N]>,
): Promise<ChunkModules[N]> {
  return importer(sdkBase).catch((cause: unknown) => {
    throw new DHKitError('CHUNK_LOAD_FAILED', `${name}: ${cause}`, { cause });
  });
}

export const loadRichMediaChunk = (sdkBase: string) => loadChunk('rich-media', sdkBase, importRichMedia);
export const loadVoiceChunk = (sdkBase: string) => loadChunk('voice', sdkBase, importVoice);
export const loadLivekitChunk = (sdkBase: string) => loadChunk('livekit', sdkBase, importLivekit);
