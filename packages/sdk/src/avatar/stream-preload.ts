/**
 * The LiveKit chunk loaded beside admission for a returning visitor (docs/livekit.md): livekit-client takes some
 * hundreds of ms to fetch and compile, and it used to start only once admission had answered "livekit". The
 * browser remembers (localStorage, per dhkit server and robot) that its last session with a robot was streamed;
 * the next create() for that robot starts the chunk at once, and the module map keeps the one copy the streamed
 * avatar then gets. A robot in local mode, or one this browser has not met, loads nothing more. Part of the full
 * SDK, not the headless core (whose size budget has no room for it).
 */
import type { DigitalHuman } from '../core/digital-human.js';
import { loadLivekitChunk } from '../chunks/lazy-chunks.js';
import { normalizeServerAddress } from '../channel/server-address.js';

/** Where the mark is kept: one key per dhkit server and robot. */
const streamedKey = (httpBase: string, robotId: string) => `dhkit:streamed ${httpBase} ${robotId}`;

/**
 * Starts loading the LiveKit chunk when `create(options)` is for a robot this browser last saw streamed. Returns
 * what to call with the digital human once created: it keeps the mark in step with the session's media mode.
 * Storage the page denies (a sandboxed frame) or options create() will refuse only cost the head start.
 */
export function preloadStreamIfExpected(options: { serverAddress?: unknown; robotId?: unknown }): (human: DigitalHuman) => void {
  let key: string;
  let storage: Storage;
  try {
    const { httpBase } = normalizeServerAddress(options?.serverAddress);
    key = streamedKey(httpBase, String(options.robotId).trim());
    storage = localStorage;
    // A failure here shows when the stream starts, as it would have without the head start.
    if (storage.getItem(key)) loadLivekitChunk(`${httpBase}/sdk`).catch(() => {});
  } catch {
    return () => {};
  }
  return (human) => {
    try {
      if (human.getJobInfo().mediaMode === 'livekit') storage.setItem(key, '1');
      else storage.removeItem(key);
    } catch {
      // storage full or denied: no head start next time
    }
  };
}
