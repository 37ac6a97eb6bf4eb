import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firstFramePictures, packManifestUrl } from './avatar-pack.js';
import { DEFAULT_PACK_MANIFEST_PATH, defaultPackFirstFrame } from './default-pack-first-frame.js';
import { validatePack } from './pack-manifest.js';

const URL_ = 'https://dh.example.com/avatars/default/manifest.json';
const shippedPack = () =>
  validatePack(JSON.parse(readFileSync(new URL('../../../../server/assets/avatars/default/manifest.json', import.meta.url), 'utf8')), URL_);

describe('the default pack first frame known before its manifest', () => {
  it('names exactly the pre-composited pictures the shipped manifest gives the idle first frame, for every backdrop', () => {
    const pack = shippedPack();
    for (const backdrop of ['none', 'light', 'dark'] as const) {
      for (const scale of [0.4, 1, 1.5, 2, 3]) {
        expect(defaultPackFirstFrame(backdrop, scale)).toEqual(firstFramePictures(pack, 'idle', backdrop, scale));
      }
    }
    // One picture for the figure, one more for a backdrop: no SVG document before the first frame.
    expect(defaultPackFirstFrame('dark', 1)).toEqual(['first-frame/idle.webp', 'first-frame/background-dark.webp']);
    expect(defaultPackFirstFrame('none', 2)).toEqual(['first-frame/idle-2x.webp']);
  });

  it('recognises the default pack by the path packManifestUrl gives it', () => {
    expect(packManifestUrl('https://dh.example.com/base', undefined).endsWith(DEFAULT_PACK_MANIFEST_PATH)).toBe(true);
    expect(packManifestUrl('https://dh.example.com', 'mia').endsWith(DEFAULT_PACK_MANIFEST_PATH)).toBe(false);
  });
});
