/**
 * The glue of media mode `livekit` (docs/livekit.md): loads the livekit chunk and starts the renderer's
 * stream in place of the local avatar. Only types come from the chunk here, so livekit-client stays out
 * of the main bundle.
 */
import type { LanguageCode } from '@dhkit/protocol';
import { loadLivekitChunk } from '../chunks/lazy-chunks.js';
import { DHKitError } from '../core/errors.js';
import type { StreamedAvatar, StreamedAvatarHost } from './livekit-surface.js';

/** How long create() waits for the avatar stream's first frame after admission. */
const STREAM_TIMEOUT_MS = 20_000;

/**
 * Starts the streamed avatar; `attach` swaps it in for the local one and resolves on its first frame. A
 * chunk that does not load, a room that cannot be joined, or a stream that never shows (WebRTC blocked on
 * the visitor's network, say) is a NETWORK_ERROR, the last after STREAM_TIMEOUT_MS.
 */
export async function startStreamedAvatar(
  httpBase: string,
  host: StreamedAvatarHost,
  attach: (streamed: StreamedAvatar) => Promise<void>,
  language?: LanguageCode,
): Promise<StreamedAvatar> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const streamed = (await loadLivekitChunk(`${httpBase}/sdk`)).streamAvatar(host);
    const noVideo = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DHKitError('NETWORK_ERROR', 'No video from the avatar stream.')), STREAM_TIMEOUT_MS);
    });
    await Promise.race([Promise.all([streamed.surface.connect(), attach(streamed)]), noVideo]);
    return streamed;
  } catch (error) {
    throw DHKitError.fromCode('NETWORK_ERROR', language, error);
  } finally {
    clearTimeout(timer);
  }
}
