/**
 * Reads an avatar pack's manifest.json (docs/avatars.md): checks every field, fills in the defaults, and
 * collects every problem with its JSON path (not only the first), so a pack author fixes them in one go.
 */
import {
  AvatarPackError,
  PACK_FORMAT,
  type AvatarPack,
  type Box,
  type LayerGroup,
  type MouthLayer,
  type PackFirstFrame,
  type PackLayer,
  type PackPose,
} from './avatar-pack.js';
import { VISEMES, type Viseme } from './avatar-surface.js';

const IMAGE_FILE = /^(?![/\\])(?!.*\.\.)[A-Za-z0-9_./-]+\.(svg|png|webp|jpe?g|avif)$/i;
const VIDEO_FILE = /^(?![/\\])(?!.*\.\.)[A-Za-z0-9_./-]+\.(webm|mp4)$/i;
const DEFAULT_POSE: PackPose = { tilt: 0, nod: 0, gaze: null, brows: 0, mouth: 'sil', sway: 0, indicator: false, layers: {} };
const POSE_NAMES = ['idle', 'listening', 'thinking', 'speaking'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Mouth features [open, wide, round] of each viseme, for packs that do not give their own. */
const DEFAULT_FEATURES: Record<Viseme, [number, number, number]> = {
  sil: [0, 0.3, 0],
  PP: [0.05, 0.2, 0.2],
  FF: [0.15, 0.45, 0],
  TH: [0.3, 0.4, 0.1],
  DD: [0.35, 0.45, 0.1],
  kk: [0.45, 0.5, 0.05],
  CH: [0.25, 0.15, 0.6],
  SS: [0.15, 0.8, 0],
  nn: [0.22, 0.4, 0.15],
  RR: [0.3, 0.2, 0.55],
  aa: [1, 0.5, 0.1],
  E: [0.6, 0.8, 0],
  I: [0.4, 1, 0],
  O: [0.7, 0.1, 0.85],
  U: [0.3, 0, 1],
};

/** Reads typed values out of the manifest; a bad one is noted as a problem and replaced by its fallback. */
class ManifestReader {
  readonly problems: string[] = [];
  /** The pack's whole design box, the default box of a layer. */
  fullBox: Box = [0, 0, 1, 1];

  bad(path: string, what: string): void {
    this.problems.push(`${path}: ${what}`);
  }

  file(path: string, v: unknown, video = false): string {
    if (typeof v === 'string' && (IMAGE_FILE.test(v) || (video && VIDEO_FILE.test(v)))) return v;
    const kinds = video ? 'an image or video file (svg, png, webp, jpg, webm, mp4)' : 'an image file (svg, png, webp, jpg)';
    this.bad(path, `expected a relative path to ${kinds}, got ${JSON.stringify(v)}`);
    return '';
  }

  box(path: string, v: unknown): Box {
    if (v === undefined) return this.fullBox;
    if (Array.isArray(v) && v.length === 4 && v.every(isNumber) && v[2] > 0 && v[3] > 0) return v as Box;
    this.bad(path, 'expected [x, y, width, height] with positive width and height');
    return this.fullBox;
  }

  pair(path: string, v: unknown, fallback: [number, number]): [number, number] {
    if (v === undefined) return fallback;
    if (Array.isArray(v) && v.length === 2 && v.every(isNumber)) return [v[0], v[1]];
    this.bad(path, 'expected [number, number]');
    return fallback;
  }

  range(path: string, v: unknown, fallback: [number, number]): [number, number] {
    const r = this.pair(path, v, fallback);
    if (r[0] < 0 || r[1] < r[0]) this.bad(path, 'expected [min, max] with 0 ≤ min ≤ max');
    return r;
  }

  num(path: string, v: unknown, fallback: number, min = -Infinity, max = Infinity): number {
    if (v === undefined) return fallback;
    if (isNumber(v) && v >= min && v <= max) return v;
    this.bad(path, `expected a number in ${min}..${max}`);
    return fallback;
  }
}

/**
 * Checks a parsed manifest.json and returns the pack with defaults filled in. Throws AvatarPackError
 * listing every problem (not only the first), so a pack author fixes them in one go.
 */
export function validatePack(json: unknown, manifestUrl: string): AvatarPack {
  if (!isObject(json)) throw new AvatarPackError(manifestUrl, ['the manifest is not a JSON object']);
  const m = json;
  const read = new ManifestReader();
  if (m.format !== PACK_FORMAT) read.bad('format', `expected "${PACK_FORMAT}", got ${JSON.stringify(m.format)}`);
  const id = typeof m.id === 'string' && /^[a-z0-9_-]{1,64}$/.test(m.id) ? m.id : (read.bad('id', 'expected 1-64 of a-z 0-9 _ -'), '');
  const name = typeof m.name === 'string' ? m.name : id;

  const size = isObject(m.size) ? m.size : {};
  const width = isNumber(size.width) && size.width > 0 ? size.width : (read.bad('size.width', 'expected a positive number'), 1);
  const height = isNumber(size.height) && size.height > 0 ? size.height : (read.bad('size.height', 'expected a positive number'), 1);
  read.fullBox = [0, 0, width, height];

  const fitIn = isObject(m.fit) ? m.fit : {};
  const fit = {
    mode: fitIn.mode === 'cover' ? ('cover' as const) : ('contain' as const),
    align: fitIn.align === 'center' ? ('center' as const) : ('bottom' as const),
  };
  let background: AvatarPack['background'] = null;
  if (m.background !== undefined) {
    const b = isObject(m.background) ? m.background : {};
    const src = read.file('background.src', b.src, true);
    const dark = b.dark === undefined ? null : read.file('background.dark', b.dark, true);
    background = { src, video: VIDEO_FILE.test(src), dark };
  }
  const firstFrame = m.firstFrame === undefined ? null : readFirstFrame(read, m.firstFrame, background);
  const pivotsIn = isObject(m.pivots) ? m.pivots : {};
  const pivots = {
    head: read.pair('pivots.head', pivotsIn.head, [width / 2, height * 0.55]),
    body: read.pair('pivots.body', pivotsIn.body, [width / 2, height]),
  };
  const { layers, ids } = readLayers(read, m.layers);
  const motion = readMotion(read, isObject(m.motion) ? m.motion : {});
  const poses = readPoses(read, isObject(m.poses) ? m.poses : {}, layers, ids);

  if (read.problems.length) throw new AvatarPackError(manifestUrl, read.problems);
  const baseUrl = new URL('.', manifestUrl).href;
  return { id, name, baseUrl, width, height, fit, background, firstFrame, pivots, layers, motion, poses };
}

/** The optional pre-composited first frame: a picture of the idle pose, and the backdrops as pictures if the pack has one. */
function readFirstFrame(read: ManifestReader, raw: unknown, background: AvatarPack['background']): PackFirstFrame | null {
  if (!isObject(raw)) {
    read.bad('firstFrame', 'expected {src, box?, scales?, background?}');
    return null;
  }
  const src = read.file('firstFrame.src', raw.src);
  const box = read.box('firstFrame.box', raw.box);
  const scales = raw.scales ?? [1];
  if (!Array.isArray(scales) || !scales.length || !scales.every((s, i) => isNumber(s) && s > 0 && (i === 0 || s > scales[i - 1]))) {
    read.bad('firstFrame.scales', 'expected ascending positive numbers');
  }
  const sizes = { box, scales: Array.isArray(scales) && scales.length ? (scales as number[]) : [1] };
  if (raw.background === undefined) return { src, ...sizes, background: null };
  if (!background) {
    read.bad('firstFrame.background', 'the pack has no background for it to stand in for');
    return null;
  }
  const b = isObject(raw.background) ? raw.background : (read.bad('firstFrame.background', 'expected {src, dark?}'), {});
  const dark = b.dark === undefined ? null : read.file('firstFrame.background.dark', b.dark);
  return { src, ...sizes, background: { src: read.file('firstFrame.background.src', b.src), dark } };
}

/** The layers, and every layer id seen (pose overrides may name only those). */
function readLayers(read: ManifestReader, raw: unknown): { layers: PackLayer[]; ids: Set<string> } {
  const layers: PackLayer[] = [];
  const ids = new Set<string>();
  const roles = new Set<string>();
  if (!Array.isArray(raw) || raw.length === 0) read.bad('layers', 'expected a non-empty array');
  (Array.isArray(raw) ? raw : []).forEach((item, i) => {
    const path = `layers[${i}]`;
    if (!isObject(item)) return read.bad(path, 'expected an object');
    const layerId = typeof item.id === 'string' && item.id ? item.id : (read.bad(`${path}.id`, 'expected a string'), `#${i}`);
    if (ids.has(layerId)) read.bad(`${path}.id`, `duplicate id "${layerId}"`);
    ids.add(layerId);
    const group = readGroup(read, item.group, path);
    const base = { id: layerId, group, box: read.box(`${path}.box`, item.box) };
    const role = item.role ?? 'image';
    if (role !== 'image') {
      if (roles.has(String(role))) read.bad(`${path}.role`, `only one layer may have role "${role}"`);
      roles.add(String(role));
    }
    const layer = readLayer(read, item, path, role, base);
    if (layer) layers.push(layer);
  });
  if (!roles.has('mouth') && Array.isArray(raw)) read.bad('layers', 'a layer with role "mouth" is required (the lip-sync draws it)');
  return { layers, ids };
}

function readGroup(read: ManifestReader, group: unknown, path: string): LayerGroup {
  if (group === 'body' || group === 'none') return group;
  if (group !== undefined && group !== 'head') read.bad(`${path}.group`, 'expected "body", "head" or "none"');
  return 'head';
}

type LayerBase = { id: string; group: LayerGroup; box: Box };

function readLayer(read: ManifestReader, raw: Json, path: string, role: unknown, base: LayerBase): PackLayer | null {
  switch (role) {
    case 'image': {
      const src = read.file(`${path}.src`, raw.src, true);
      return { ...base, role: 'image', src, video: VIDEO_FILE.test(src) };
    }
    case 'iris':
      return { ...base, role: 'iris', src: read.file(`${path}.src`, raw.src), clip: typeof raw.clip === 'string' ? raw.clip : null };
    case 'brows':
      return { ...base, role: 'brows', src: read.file(`${path}.src`, raw.src) };
    case 'eyelids': {
      const frames = isObject(raw.frames) ? raw.frames : (read.bad(`${path}.frames`, 'expected {open, half?, closed}'), {});
      return {
        ...base,
        role: 'eyelids',
        frames: {
          open: read.file(`${path}.frames.open`, frames.open),
          half: frames.half === undefined ? null : read.file(`${path}.frames.half`, frames.half),
          closed: read.file(`${path}.frames.closed`, frames.closed),
        },
      };
    }
    case 'mouth':
      return readMouthLayer(read, raw, path, base);
    default:
      read.bad(`${path}.role`, `unknown role ${JSON.stringify(role)} (image, iris, eyelids, brows, mouth)`);
      return null;
  }
}

function readMouthLayer(read: ManifestReader, raw: Json, path: string, base: LayerBase): MouthLayer {
  const visemesIn = isObject(raw.visemes) ? raw.visemes : (read.bad(`${path}.visemes`, 'expected an object'), {});
  const missing = VISEMES.filter((v) => !(v in visemesIn));
  if (missing.length) read.bad(`${path}.visemes`, `missing ${missing.join(', ')} (every viseme of ${VISEMES.join(' ')} needs a mouth)`);
  const visemes = {} as MouthLayer['visemes'];
  for (const v of VISEMES) {
    const entry = visemesIn[v];
    if (entry === undefined) continue;
    const e = typeof entry === 'string' ? { src: entry } : isObject(entry) ? entry : {};
    const features =
      Array.isArray(e.features) && e.features.length === 3 && e.features.every((x) => isNumber(x) && x >= 0 && x <= 1)
        ? (e.features as [number, number, number])
        : e.features === undefined
          ? DEFAULT_FEATURES[v]
          : (read.bad(`${path}.visemes.${v}.features`, 'expected [open, wide, round], each 0..1'), DEFAULT_FEATURES[v]);
    visemes[v] = { src: read.file(`${path}.visemes.${v}${typeof entry === 'string' ? '' : '.src'}`, e.src), features };
  }
  const expressions: Record<string, string> = {};
  if (raw.expressions !== undefined) {
    if (!isObject(raw.expressions)) read.bad(`${path}.expressions`, 'expected an object');
    else for (const [k, v] of Object.entries(raw.expressions)) expressions[k] = read.file(`${path}.expressions.${k}`, v);
  }
  return { ...base, role: 'mouth', visemes, expressions };
}

function readMotion(read: ManifestReader, motion: Json): AvatarPack['motion'] {
  const sub = (k: string): Json => (isObject(motion[k]) ? (motion[k] as Json) : {});
  return {
    breathing: {
      periodMs: read.num('motion.breathing.periodMs', sub('breathing').periodMs, 4200, 500, 60_000),
      amplitude: read.num('motion.breathing.amplitude', sub('breathing').amplitude, 0.006, 0, 0.05),
    },
    sway: {
      degrees: read.num('motion.sway.degrees', sub('sway').degrees, 1, 0, 15),
      periodMs: read.num('motion.sway.periodMs', sub('sway').periodMs, 7000, 500, 60_000),
    },
    gaze: {
      rangeX: read.num('motion.gaze.rangeX', sub('gaze').rangeX, 2, 0, 100),
      rangeY: read.num('motion.gaze.rangeY', sub('gaze').rangeY, 1, 0, 100),
      intervalMs: read.range('motion.gaze.intervalMs', sub('gaze').intervalMs, [900, 3400]),
    },
    blink: {
      intervalMs: read.range('motion.blink.intervalMs', sub('blink').intervalMs, [2200, 5600]),
      durationMs: read.num('motion.blink.durationMs', sub('blink').durationMs, 170, 40, 1000),
      doubleChance: read.num('motion.blink.doubleChance', sub('blink').doubleChance, 0.15, 0, 1),
    },
  };
}

function readPoses(read: ManifestReader, posesIn: Json, layers: PackLayer[], ids: Set<string>): AvatarPack['poses'] {
  const mouth = layers.find((l): l is MouthLayer => l.role === 'mouth');
  const mouthNames = new Set([...VISEMES, ...Object.keys(mouth?.expressions ?? {})]);
  const poses = {} as AvatarPack['poses'];
  for (const name of POSE_NAMES) {
    const p = isObject(posesIn[name]) ? (posesIn[name] as Json) : {};
    const path = `poses.${name}`;
    const mouthName = p.mouth === undefined ? 'sil' : String(p.mouth);
    if (!mouthNames.has(mouthName)) read.bad(`${path}.mouth`, `"${mouthName}" is neither a viseme nor an expression of the mouth layer`);
    const poseLayers: Record<string, string> = {};
    if (isObject(p.layers)) {
      for (const [k, v] of Object.entries(p.layers)) {
        if (!ids.has(k)) read.bad(`${path}.layers.${k}`, 'no layer has this id');
        poseLayers[k] = read.file(`${path}.layers.${k}`, v);
      }
    }
    poses[name] = {
      ...DEFAULT_POSE,
      tilt: read.num(`${path}.tilt`, p.tilt, 0, -30, 30),
      nod: read.num(`${path}.nod`, p.nod, 0, 0, 50),
      gaze: p.gaze === undefined ? null : read.pair(`${path}.gaze`, p.gaze, [0, 0]),
      brows: read.num(`${path}.brows`, p.brows, 0, -50, 50),
      mouth: mouthName,
      sway: read.num(`${path}.sway`, p.sway, 0, 0, 15),
      indicator: p.indicator === true,
      layers: poseLayers,
    };
  }
  return poses;
}
