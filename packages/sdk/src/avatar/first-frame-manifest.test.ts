import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AvatarPackError, firstFramePictures } from './avatar-pack.js';
import { validatePack } from './pack-manifest.js';

const URL_ = 'https://dh.example.com/avatars/default/manifest.json';
const PACK_DIR = new URL('../../../../server/assets/avatars/default/', import.meta.url);
const defaultManifest = () => JSON.parse(readFileSync(new URL('manifest.json', PACK_DIR), 'utf8'));

function problems(json: unknown): string[] {
  try {
    validatePack(json, URL_);
  } catch (error) {
    expect(error).toBeInstanceOf(AvatarPackError);
    return (error as AvatarPackError).problems;
  }
  return [];
}

describe('the manifest field firstFrame (a pre-composited first frame)', () => {
  it('is optional: a pack without it draws its layers from the first frame on', () => {
    const { firstFrame: _, ...manifest } = defaultManifest();
    const pack = validatePack(manifest, URL_);
    expect(pack.firstFrame).toBeNull();
    for (const backdrop of ['none', 'light', 'dark'] as const) expect(firstFramePictures(pack, 'idle', backdrop, 1)).toBeNull();
  });

  it('gives the default pack one picture of the idle pose, and one per backdrop, each shipped beside the manifest', () => {
    const pack = validatePack(defaultManifest(), URL_);
    expect(pack.firstFrame?.box).toEqual([36, 100, 528, 800]);
    expect(firstFramePictures(pack, 'idle', 'none', 1)).toEqual(['first-frame/idle.webp']);
    expect(firstFramePictures(pack, 'idle', 'light', 1)).toEqual(['first-frame/idle.webp', 'first-frame/background.webp']);
    expect(firstFramePictures(pack, 'idle', 'dark', 1)).toEqual(['first-frame/idle.webp', 'first-frame/background-dark.webp']);
    for (const scale of [0.5, 1, 2]) {
      for (const file of firstFramePictures(pack, 'idle', 'dark', scale)!.concat(firstFramePictures(pack, 'idle', 'light', scale)!)) {
        expect(existsSync(new URL(file, PACK_DIR)), file).toBe(true);
      }
    }
  });

  it('picks the smallest size made for the scale asked (device pixels per design unit), else the largest', () => {
    const pack = validatePack(defaultManifest(), URL_);
    expect(pack.firstFrame?.scales).toEqual([1, 2]);
    expect(firstFramePictures(pack, 'idle', 'none', 0.6)).toEqual(['first-frame/idle.webp']);
    expect(firstFramePictures(pack, 'idle', 'none', 1.2)).toEqual(['first-frame/idle-2x.webp']);
    expect(firstFramePictures(pack, 'idle', 'light', 3)).toEqual(['first-frame/idle-2x.webp', 'first-frame/background-2x.webp']);
    expect(problems({ ...defaultManifest(), firstFrame: { ...defaultManifest().firstFrame, scales: [2, 1] } })).toEqual([
      'firstFrame.scales: expected ascending positive numbers',
    ]);
  });

  it('stands in for the idle pose only, and only with a picture for the backdrop shown', () => {
    const pack = validatePack(defaultManifest(), URL_);
    expect(firstFramePictures(pack, 'listening', 'light', 1)).toBeNull();
    const noDark = defaultManifest();
    delete noDark.firstFrame.background.dark;
    expect(firstFramePictures(validatePack(noDark, URL_), 'idle', 'dark', 1)).toBeNull();
    expect(firstFramePictures(validatePack(noDark, URL_), 'idle', 'light', 1)).toHaveLength(2);
    const noBackdrops = defaultManifest();
    delete noBackdrops.firstFrame.background;
    expect(firstFramePictures(validatePack(noBackdrops, URL_), 'idle', 'light', 1)).toBeNull();
    expect(firstFramePictures(validatePack(noBackdrops, URL_), 'idle', 'none', 1)).toEqual(['first-frame/idle.webp']);
  });

  it('reports every fault of the field with its path', () => {
    const bad = defaultManifest();
    bad.firstFrame = { src: '../idle.webp', box: [0, 0, -1, 10], background: { src: 'bg.webm' } };
    expect(problems(bad)).toEqual([
      expect.stringMatching(/^firstFrame\.src: expected a relative path to an image file/),
      'firstFrame.box: expected [x, y, width, height] with positive width and height',
      expect.stringMatching(/^firstFrame\.background\.src: expected a relative path to an image file/),
    ]);
    const { background: _, ...noBackground } = defaultManifest();
    expect(problems(noBackground)).toEqual(['firstFrame.background: the pack has no background for it to stand in for']);
    expect(problems({ ...defaultManifest(), firstFrame: 'idle.webp' })).toEqual(['firstFrame: expected {src, box?, scales?, background?}']);
  });
});
