/**
 * The pre-composited first frame of the default avatar pack as the dhkit server ships it (`/avatars/default/`, its
 * manifest's `firstFrame`; a unit test keeps this in step with the manifest). A robot without a pack of its own shows
 * this one, so create() asks for these pictures at once, beside the manifest and the admission, instead of after the
 * manifest has arrived and been read: on a first visit that is one network round trip and the page's first render less
 * before the avatar can be drawn. The manifest stays the authority; a server whose default pack differs only costs
 * these requests.
 */
import { firstFramePictures, viewportScale, type AvatarPack, type BackdropShown } from './avatar-pack.js';

/** What the default pack's manifest says of its first frame (and what choosing among its pictures needs). */
const DEFAULT_PACK = {
  width: 600,
  height: 900,
  background: { src: 'background.svg', video: false, dark: 'background-dark.svg' },
  firstFrame: {
    src: 'first-frame/idle.webp',
    box: [36, 100, 528, 800],
    scales: [1, 2],
    background: { src: 'first-frame/background.webp', dark: 'first-frame/background-dark.webp' },
  },
} satisfies Partial<AvatarPack>;

/** Where the default pack's manifest lives, relative to the server's HTTP base (packManifestUrl's default). */
export const DEFAULT_PACK_MANIFEST_PATH = '/avatars/default/manifest.json';

/** The default pack's first-frame pictures in the idle pose with `backdrop`, relative to the pack, sized for this page. */
export function defaultPackFirstFrame(backdrop: BackdropShown, scale = viewportScale(DEFAULT_PACK)): string[] {
  return firstFramePictures(DEFAULT_PACK as AvatarPack, 'idle', backdrop, scale) ?? [];
}
