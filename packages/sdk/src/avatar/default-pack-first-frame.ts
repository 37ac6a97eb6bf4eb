/**
 * The pre-composited first frame of the default avatar pack as the dhkit server ships it (`/avatars/default/`, its
 * manifest's `firstFrame`; a unit test keeps this list in step with the manifest). A robot without a pack of its own
 * shows this one, so create() asks for these pictures at once, beside the manifest and the admission, instead of after
 * the manifest has arrived and been read: on a first visit that is one network round trip and the page's first render
 * less before the avatar can be drawn. The manifest stays the authority; a server whose default pack differs only costs
 * these requests.
 */
import type { BackdropShown } from './avatar-pack.js';

/** The idle pose, every layer in one picture. */
const IDLE = 'first-frame/idle.webp';
const BACKDROPS = { light: 'first-frame/background.webp', dark: 'first-frame/background-dark.webp' } as const;

/** Where the default pack's manifest lives, relative to the server's HTTP base (packManifestUrl's default). */
export const DEFAULT_PACK_MANIFEST_PATH = '/avatars/default/manifest.json';

/** The default pack's first-frame pictures in the idle pose with `backdrop`, relative to the pack. */
export function defaultPackFirstFrame(backdrop: BackdropShown): string[] {
  return backdrop === 'none' ? [IDLE] : [IDLE, BACKDROPS[backdrop]];
}
