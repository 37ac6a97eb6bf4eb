import { VISEMES, type Viseme } from './avatar-surface.js';
import { DHKitError } from '../core/errors.js';

/** The format string every manifest declares; a new major version gets a new string. */
export const PACK_FORMAT = 'dhkit-avatar/1';

/** [x, y, width, height] in the pack's design coordinates. */
export type Box = [number, number, number, number];
export type LayerGroup = 'body' | 'head' | 'none';

interface LayerBase {
  id: string;
  /** Moves with the body (breathing) or the head (breathing, sway, tilt, nod); `none`: fixed. */
  group: LayerGroup;
  box: Box;
}
/** A picture (SVG, PNG, WebP, JPEG) or a looping muted video (WebM, MP4). */
export interface ImageLayer extends LayerBase {
  role: 'image';
  src: string;
  video: boolean;
}
/** The irises: moved by the gaze, clipped to the eye openings (`clip`: SVG path data, design coordinates). */
export interface IrisLayer extends LayerBase {
  role: 'iris';
  src: string;
  clip: string | null;
}
export interface EyelidsLayer extends LayerBase {
  role: 'eyelids';
  frames: { open: string; half: string | null; closed: string };
}
export interface BrowsLayer extends LayerBase {
  role: 'brows';
  src: string;
}
export interface MouthLayer extends LayerBase {
  role: 'mouth';
  /** One picture per viseme, with its features [open, wide, round] (0..1) used by audio lip-sync. */
  visemes: Record<Viseme, { src: string; features: [number, number, number] }>;
  /** Extra mouths a pose may hold (e.g. `smile`). */
  expressions: Record<string, string>;
}
export type PackLayer = ImageLayer | IrisLayer | EyelidsLayer | BrowsLayer | MouthLayer;

export interface PackPose {
  /** Head tilt in degrees (positive: clockwise). */
  tilt: number;
  /** Nodding amplitude in design units. */
  nod: number;
  /** Gaze offset of the irises in design units [x, y]; null: the idle gaze wanders. */
  gaze: [number, number] | null;
  /** Brow offset in design units (negative: raised). */
  brows: number;
  /** Mouth at rest: a viseme or expression name. */
  mouth: string;
  /** Extra sway in degrees while in this pose. */
  sway: number;
  /** Show the thinking indicator (three dots). */
  indicator: boolean;
  /** Layer id → another picture while in this pose (e.g. a hand-on-chin body). */
  layers: Record<string, string>;
}

export interface AvatarPack {
  id: string;
  name: string;
  /** Absolute base URL the pack's relative paths resolve against. */
  baseUrl: string;
  width: number;
  height: number;
  fit: { mode: 'contain' | 'cover'; align: 'bottom' | 'center' };
  /** `dark`: the variant drawn in dark mode, if the pack has one. */
  background: { src: string; video: boolean; dark: string | null } | null;
  pivots: { head: [number, number]; body: [number, number] };
  layers: PackLayer[];
  motion: {
    breathing: { periodMs: number; amplitude: number };
    sway: { degrees: number; periodMs: number };
    gaze: { rangeX: number; rangeY: number; intervalMs: [number, number] };
    blink: { intervalMs: [number, number]; durationMs: number; doubleChance: number };
  };
  poses: Record<'idle' | 'listening' | 'thinking' | 'speaking', PackPose>;
}

/** A manifest that cannot be used; `problems` lists every fault found, each with its JSON path. */
export class AvatarPackError extends DHKitError {
  constructor(
    readonly url: string,
    readonly problems: string[],
  ) {
    super('INVALID_REQUEST', `avatar pack ${url} is not valid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AvatarPackError';
  }
}

const IMAGE_FILE = /^(?![/\\])(?!.*\.\.)[A-Za-z0-9_./-]+\.(svg|png|webp|jpe?g|avif)$/i;
const VIDEO_FILE = /^(?![/\\])(?!.*\.\.)[A-Za-z0-9_./-]+\.(webm|mp4)$/i;
const DEFAULT_POSE: PackPose = { tilt: 0, nod: 0, gaze: null, brows: 0, mouth: 'sil', sway: 0, indicator: false, layers: {} };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks a parsed manifest.json and returns the pack with defaults filled in. Throws AvatarPackError
 * listing every problem (not only the first), so a pack author fixes them in one go.
 */
export function validatePack(json: unknown, manifestUrl: string): AvatarPack {
  const problems: string[] = [];
  const bad = (path: string, what: string) => problems.push(`${path}: ${what}`);
  if (!isObject(json)) throw new AvatarPackError(manifestUrl, ['the manifest is not a JSON object']);
  const m = json;
  if (m.format !== PACK_FORMAT) bad('format', `expected "${PACK_FORMAT}", got ${JSON.stringify(m.format)}`);
  const id = typeof m.id === 'string' && /^[a-z0-9_-]{1,64}$/.test(m.id) ? m.id : (bad('id', 'expected 1-64 of a-z 0-9 _ -'), '');
  const name = typeof m.name === 'string' ? m.name : id;

  const size = isObject(m.size) ? m.size : {};
  const width = isNumber(size.width) && size.width > 0 ? size.width : (bad('size.width', 'expected a positive number'), 1);
  const height = isNumber(size.height) && size.height > 0 ? size.height : (bad('size.height', 'expected a positive number'), 1);
  const fullBox: Box = [0, 0, width, height];

  const file = (path: string, v: unknown, video = false): string => {
    if (typeof v === 'string' && (IMAGE_FILE.test(v) || (video && VIDEO_FILE.test(v)))) return v;
    bad(
      path,
      `expected a relative path to ${video ? 'an image or video' : 'an image'} file (svg, png, webp, jpg${video ? ', webm, mp4' : ''}), got ${JSON.stringify(v)}`,
    );
    return '';
  };
  const box = (path: string, v: unknown): Box => {
    if (v === undefined) return fullBox;
    if (Array.isArray(v) && v.length === 4 && v.every(isNumber) && v[2] > 0 && v[3] > 0) return v as Box;
    bad(path, 'expected [x, y, width, height] with positive width and height');
    return fullBox;
  };
  const pair = (path: string, v: unknown, fallback: [number, number]): [number, number] => {
    if (v === undefined) return fallback;
    if (Array.isArray(v) && v.length === 2 && v.every(isNumber)) return [v[0], v[1]];
    bad(path, 'expected [number, number]');
    return fallback;
  };
  const num = (path: string, v: unknown, fallback: number, min = -Infinity, max = Infinity): number => {
    if (v === undefined) return fallback;
    if (isNumber(v) && v >= min && v <= max) return v;
    bad(path, `expected a number in ${min}..${max}`);
    return fallback;
  };

  const fitIn = isObject(m.fit) ? m.fit : {};
  const fit = {
    mode: fitIn.mode === 'cover' ? ('cover' as const) : ('contain' as const),
    align: fitIn.align === 'center' ? ('center' as const) : ('bottom' as const),
  };
  let background: AvatarPack['background'] = null;
  if (m.background !== undefined) {
    const b = isObject(m.background) ? m.background : {};
    const src = file('background.src', b.src, true);
    const dark = b.dark === undefined ? null : file('background.dark', b.dark, true);
    background = { src, video: VIDEO_FILE.test(src), dark };
  }
  const pivotsIn = isObject(m.pivots) ? m.pivots : {};
  const pivots = {
    head: pair('pivots.head', pivotsIn.head, [width / 2, height * 0.55]),
    body: pair('pivots.body', pivotsIn.body, [width / 2, height]),
  };

  const layers: PackLayer[] = [];
  const ids = new Set<string>();
  const roles = new Set<string>();
  if (!Array.isArray(m.layers) || m.layers.length === 0) bad('layers', 'expected a non-empty array');
  (Array.isArray(m.layers) ? m.layers : []).forEach((raw, i) => {
    const path = `layers[${i}]`;
    if (!isObject(raw)) return bad(path, 'expected an object');
    const layerId = typeof raw.id === 'string' && raw.id ? raw.id : (bad(`${path}.id`, 'expected a string'), `#${i}`);
    if (ids.has(layerId)) bad(`${path}.id`, `duplicate id "${layerId}"`);
    ids.add(layerId);
    const group: LayerGroup =
      raw.group === 'body' || raw.group === 'none'
        ? raw.group
        : raw.group === undefined || raw.group === 'head'
          ? 'head'
          : (bad(`${path}.group`, 'expected "body", "head" or "none"'), 'head');
    const base = { id: layerId, group, box: box(`${path}.box`, raw.box) };
    const role = raw.role ?? 'image';
    if (role !== 'image') {
      if (roles.has(String(role))) bad(`${path}.role`, `only one layer may have role "${role}"`);
      roles.add(String(role));
    }
    switch (role) {
      case 'image': {
        const src = file(`${path}.src`, raw.src, true);
        layers.push({ ...base, role: 'image', src, video: VIDEO_FILE.test(src) });
        break;
      }
      case 'iris':
        layers.push({ ...base, role: 'iris', src: file(`${path}.src`, raw.src), clip: typeof raw.clip === 'string' ? raw.clip : null });
        break;
      case 'brows':
        layers.push({ ...base, role: 'brows', src: file(`${path}.src`, raw.src) });
        break;
      case 'eyelids': {
        const frames = isObject(raw.frames) ? raw.frames : (bad(`${path}.frames`, 'expected {open, half?, closed}'), {});
        layers.push({
          ...base,
          role: 'eyelids',
          frames: {
            open: file(`${path}.frames.open`, frames.open),
            half: frames.half === undefined ? null : file(`${path}.frames.half`, frames.half),
            closed: file(`${path}.frames.closed`, frames.closed),
          },
        });
        break;
      }
      case 'mouth': {
        const visemesIn = isObject(raw.visemes) ? raw.visemes : (bad(`${path}.visemes`, 'expected an object'), {});
        const missing = VISEMES.filter((v) => !(v in visemesIn));
        if (missing.length) bad(`${path}.visemes`, `missing ${missing.join(', ')} (every viseme of ${VISEMES.join(' ')} needs a mouth)`);
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
                : (bad(`${path}.visemes.${v}.features`, 'expected [open, wide, round], each 0..1'), DEFAULT_FEATURES[v]);
          visemes[v] = { src: file(`${path}.visemes.${v}${typeof entry === 'string' ? '' : '.src'}`, e.src), features };
        }
        const expressions: Record<string, string> = {};
        if (raw.expressions !== undefined) {
          if (!isObject(raw.expressions)) bad(`${path}.expressions`, 'expected an object');
          else for (const [k, v] of Object.entries(raw.expressions)) expressions[k] = file(`${path}.expressions.${k}`, v);
        }
        layers.push({ ...base, role: 'mouth', visemes, expressions });
        break;
      }
      default:
        bad(`${path}.role`, `unknown role ${JSON.stringify(role)} (image, iris, eyelids, brows, mouth)`);
    }
  });
  if (!roles.has('mouth') && Array.isArray(m.layers)) bad('layers', 'a layer with role "mouth" is required (the lip-sync draws it)');

  const mo = isObject(m.motion) ? m.motion : {};
  const sub = (k: string): Json => (isObject(mo[k]) ? (mo[k] as Json) : {});
  const range = (path: string, v: unknown, fallback: [number, number]): [number, number] => {
    const r = pair(path, v, fallback);
    if (r[0] < 0 || r[1] < r[0]) bad(path, 'expected [min, max] with 0 ≤ min ≤ max');
    return r;
  };
  const motion: AvatarPack['motion'] = {
    breathing: {
      periodMs: num('motion.breathing.periodMs', sub('breathing').periodMs, 4200, 500, 60_000),
      amplitude: num('motion.breathing.amplitude', sub('breathing').amplitude, 0.006, 0, 0.05),
    },
    sway: {
      degrees: num('motion.sway.degrees', sub('sway').degrees, 1, 0, 15),
      periodMs: num('motion.sway.periodMs', sub('sway').periodMs, 7000, 500, 60_000),
    },
    gaze: {
      rangeX: num('motion.gaze.rangeX', sub('gaze').rangeX, 2, 0, 100),
      rangeY: num('motion.gaze.rangeY', sub('gaze').rangeY, 1, 0, 100),
      intervalMs: range('motion.gaze.intervalMs', sub('gaze').intervalMs, [900, 3400]),
    },
    blink: {
      intervalMs: range('motion.blink.intervalMs', sub('blink').intervalMs, [2200, 5600]),
      durationMs: num('motion.blink.durationMs', sub('blink').durationMs, 170, 40, 1000),
      doubleChance: num('motion.blink.doubleChance', sub('blink').doubleChance, 0.15, 0, 1),
    },
  };

  const mouth = layers.find((l): l is MouthLayer => l.role === 'mouth');
  const mouthNames = new Set([...VISEMES, ...Object.keys(mouth?.expressions ?? {})]);
  const posesIn = isObject(m.poses) ? m.poses : {};
  const poses = {} as AvatarPack['poses'];
  for (const name of ['idle', 'listening', 'thinking', 'speaking'] as const) {
    const p = isObject(posesIn[name]) ? (posesIn[name] as Json) : {};
    const path = `poses.${name}`;
    const mouthName = p.mouth === undefined ? 'sil' : String(p.mouth);
    if (!mouthNames.has(mouthName)) bad(`${path}.mouth`, `"${mouthName}" is neither a viseme nor an expression of the mouth layer`);
    const poseLayers: Record<string, string> = {};
    if (isObject(p.layers)) {
      for (const [k, v] of Object.entries(p.layers)) {
        if (!ids.has(k)) bad(`${path}.layers.${k}`, 'no layer has this id');
        poseLayers[k] = file(`${path}.layers.${k}`, v);
      }
    }
    poses[name] = {
      ...DEFAULT_POSE,
      tilt: num(`${path}.tilt`, p.tilt, 0, -30, 30),
      nod: num(`${path}.nod`, p.nod, 0, 0, 50),
      gaze: p.gaze === undefined ? null : pair(`${path}.gaze`, p.gaze, [0, 0]),
      brows: num(`${path}.brows`, p.brows, 0, -50, 50),
      mouth: mouthName,
      sway: num(`${path}.sway`, p.sway, 0, 0, 15),
      indicator: p.indicator === true,
      layers: poseLayers,
    };
  }

  if (problems.length) throw new AvatarPackError(manifestUrl, problems);
  const baseUrl = new URL('.', manifestUrl).href;
  return { id, name, baseUrl, width, height, fit, background, pivots, layers, motion, poses };
}

/** Every picture or video a pack may draw, as paths relative to the pack. */
export function packFiles(pack: AvatarPack): string[] {
  const files = new Set<string>();
  if (pack.background) [pack.background.src, pack.background.dark].forEach((f) => f && files.add(f));
  for (const layer of pack.layers) {
    if (layer.role === 'eyelids') [layer.frames.open, layer.frames.half, layer.frames.closed].forEach((f) => f && files.add(f));
    else if (layer.role === 'mouth') {
      Object.values(layer.visemes).forEach((v) => files.add(v.src));
      Object.values(layer.expressions).forEach((f) => files.add(f));
    } else files.add(layer.src);
  }
  for (const pose of Object.values(pack.poses)) Object.values(pose.layers).forEach((f) => files.add(f));
  return [...files];
}

/**
 * The pictures the first frame of `pose` needs: every fixed layer, open eyes, the pose's resting mouth and
 * the silent mouth. The other visemes, blink frames and other poses' pictures can follow after the avatar
 * is shown, so a first visit does not wait for the whole pack.
 */
export function firstFrameFiles(pack: AvatarPack, pose: keyof AvatarPack['poses']): string[] {
  const files = new Set<string>();
  if (pack.background) [pack.background.src, pack.background.dark].forEach((f) => f && files.add(f));
  const resting = pack.poses[pose];
  for (const layer of pack.layers) {
    if (layer.role === 'eyelids') files.add(layer.frames.open);
    else if (layer.role === 'mouth') {
      files.add(layer.visemes.sil.src);
      const rest = layer.visemes[resting.mouth as Viseme]?.src ?? layer.expressions[resting.mouth];
      if (rest) files.add(rest);
    } else files.add(resting.layers[layer.id] ?? layer.src);
  }
  return [...files];
}

/** Where a robot's pack lives on the server. */
export function packManifestUrl(httpBase: string, avatarId: string | undefined): string {
  return `${httpBase}/avatars/${encodeURIComponent(avatarId || 'default')}/manifest.json`;
}

/** Mouth features [open, wide, round] of each viseme, for packs that do not give their own. */
export const DEFAULT_FEATURES: Record<Viseme, [number, number, number]> = {
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
