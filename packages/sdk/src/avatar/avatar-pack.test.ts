import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AvatarPackError, firstFrameFiles, firstFramePictures, packFiles, packManifestUrl } from './avatar-pack.js';
import { validatePack } from './pack-manifest.js';
import { VISEMES } from './avatar-surface.js';

const URL_ = 'https://dh.example.com/avatars/default/manifest.json';
const PACK_DIR = new URL('../../../../server/assets/avatars/default/', import.meta.url);
const defaultManifest = () =>
  JSON.parse(readFileSync(new URL('../../../../server/assets/avatars/default/manifest.json', import.meta.url), 'utf8'));

/** The backdrop comes first in a first frame's list (it is the first thing drawn). */
const byBackdropFirst = (a: string, b: string) => Number(!a.startsWith('background')) - Number(!b.startsWith('background'));

function problems(json: unknown): string[] {
  try {
    validatePack(json, URL_);
  } catch (error) {
    expect(error).toBeInstanceOf(AvatarPackError);
    return (error as AvatarPackError).problems;
  }
  return [];
}

describe('avatar pack manifest', () => {
  it('accepts the default pack, with every viseme and pose, and names every file it draws', () => {
    const pack = validatePack(defaultManifest(), URL_);
    expect(pack.baseUrl).toBe('https://dh.example.com/avatars/default/');
    const mouth = pack.layers.find((l) => l.role === 'mouth');
    expect(Object.keys(mouth && mouth.role === 'mouth' ? mouth.visemes : {}).sort()).toEqual([...VISEMES].sort());
    expect(pack.poses.thinking.indicator).toBe(true);
    const files = packFiles(pack);
    expect(files).toContain('mouth/aa.svg');
    for (const file of files)
      expect(() => readFileSync(new URL(`../../../../server/assets/avatars/default/${file}`, import.meta.url))).not.toThrow();
  });

  it('gives the default pack a dark backdrop for dark mode, and refuses a dark variant that is not a picture', () => {
    const pack = validatePack(defaultManifest(), URL_);
    expect(pack.background).toMatchObject({ src: 'background.svg', dark: 'background-dark.svg' });
    expect(packFiles(pack)).toContain('background-dark.svg');
    const m = defaultManifest();
    m.background.dark = 'night.exe';
    expect(problems(m)).toEqual([expect.stringMatching(/^background\.dark: /)]);
  });

  it('lets the first frame wait only for the backdrop it shows; the rest of the pack follows after it', () => {
    const pack = validatePack(defaultManifest(), URL_);
    const faceOnly = firstFrameFiles(pack, 'idle', 'none');
    expect(faceOnly).toEqual(expect.arrayContaining(['head.svg', 'eyes/lids-open.svg', 'mouth/sil.svg']));
    expect(faceOnly).not.toContain('eyes/lids-closed.svg');
    expect(faceOnly).not.toContain('mouth/aa.svg');
    expect(faceOnly.filter((f) => f.startsWith('background'))).toEqual([]);
    expect(firstFrameFiles(pack, 'idle', 'light')).toEqual([...faceOnly, 'background.svg'].sort(byBackdropFirst));
    expect(firstFrameFiles(pack, 'idle', 'dark')).toEqual([...faceOnly, 'background-dark.svg'].sort(byBackdropFirst));
    expect(firstFrameFiles(pack, 'idle')).toEqual(['background.svg', 'background-dark.svg', ...faceOnly]);
    expect(firstFrameFiles(pack, 'listening', 'none')).toContain('mouth/smile.svg');
    // A pack without a dark variant shows its own backdrop in dark mode.
    const m = defaultManifest();
    delete m.background.dark;
    expect(firstFrameFiles(validatePack(m, URL_), 'idle', 'dark')).toContain('background.svg');
  });

  it('lists every problem at once, each with its path', () => {
    const m = defaultManifest();
    m.format = 'dhkit-avatar/9';
    m.layers[0].src = '../../etc/passwd.svg';
    delete m.layers.find((l: any) => l.role === 'mouth').visemes.aa;
    m.poses.listening.mouth = 'grin';
    m.motion.blink.intervalMs = [5000, 100];
    const found = problems(m);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^format: expected "dhkit-avatar\/1"/),
        expect.stringMatching(/^layers\[0\]\.src: expected a relative path/),
        expect.stringMatching(/^layers\[7\]\.visemes: missing aa/),
        expect.stringMatching(/^poses\.listening\.mouth: "grin"/),
        expect.stringMatching(/^motion\.blink\.intervalMs/),
      ]),
    );
    expect(found).toHaveLength(5);
  });

  it('requires a mouth and refuses what is not a manifest', () => {
    expect(problems(null)).toEqual(['the manifest is not a JSON object']);
    expect(problems({ format: 'dhkit-avatar/1', id: 'x', size: { width: 10, height: 10 }, layers: [{ id: 'a', src: 'a.png' }] })).toEqual([
      'layers: a layer with role "mouth" is required (the lip-sync draws it)',
    ]);
  });

  it('covers photo-real packs: a looping video base with mouth sprites', () => {
    const visemes = Object.fromEntries(VISEMES.map((v) => [v, `mouth/${v}.png`]));
    const pack = validatePack(
      {
        format: 'dhkit-avatar/1',
        id: 'anna-photo',
        size: { width: 1080, height: 1920 },
        layers: [
          { id: 'base', src: 'idle-loop.webm', group: 'none' },
          { id: 'mouth', role: 'mouth', src: undefined, box: [440, 900, 200, 140], group: 'none', visemes },
        ],
      },
      URL_,
    );
    expect(pack.layers[0]).toMatchObject({ role: 'image', video: true });
    expect(packFiles(pack)).toContain('mouth/aa.png');
  });

  it('builds the URL of a robot pack', () => {
    expect(packManifestUrl('https://h/x', undefined)).toBe('https://h/x/avatars/default/manifest.json');
    expect(packManifestUrl('https://h', 'mia')).toBe('https://h/avatars/mia/manifest.json');
  });
});

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
