import type { Viseme } from './avatar-surface.js';
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
interface ImageLayer extends LayerBase {
  role: 'image';
  src: string;
  video: boolean;
}
/** The irises: moved by the gaze, clipped to the eye openings (`clip`: SVG path data, design coordinates). */
interface IrisLayer extends LayerBase {
  role: 'iris';
  src: string;
  clip: string | null;
}
interface EyelidsLayer extends LayerBase {
  role: 'eyelids';
  frames: { open: string; half: string | null; closed: string };
}
interface BrowsLayer extends LayerBase {
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

export interface PackFirstFrame {
  /** The idle pose's layers flattened (transparent around them), stretched to `box` like a layer. */
  src: string;
  box: Box;
  /** The backdrop and its dark variant as pictures, drawn "cover" like the pack's own. */
  background: { src: string; dark: string | null } | null;
  /**
   * Device pixels per design unit the pictures are made for, ascending: the files above are the first scale's, and
   * each other scale's are named with `-<scale>x` before the extension (`idle-2x.webp`).
   */
  scales: number[];
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
  /**
   * The idle pose pre-composited into raster pictures (they decode off the main thread, where every SVG layer is a
   * document to parse and rasterise), drawn as the first frame until the layers are in; null: the layers from the start.
   */
  firstFrame: PackFirstFrame | null;
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

/** Which backdrop a frame shows: none, the pack's own, or its dark variant (the pack's own when it has none). */
export type BackdropShown = 'none' | 'light' | 'dark';

/**
 * The pictures the first frame of `pose` needs: every fixed layer, open eyes, the pose's resting mouth and
 * the silent mouth, and the backdrop `backdrop` says (both variants when not given). The other visemes, blink
 * frames, other poses' pictures and the other backdrop can follow after the avatar is shown, so a first visit
 * does not wait for the whole pack.
 */
export function firstFrameFiles(pack: AvatarPack, pose: keyof AvatarPack['poses'], backdrop?: BackdropShown): string[] {
  const files = new Set<string>();
  const background = pack.background;
  if (background && backdrop === undefined) [background.src, background.dark].forEach((f) => f && files.add(f));
  else if (background && backdrop !== 'none') files.add((backdrop === 'dark' && background.dark) || background.src);
  for (const [src] of firstFrameParts(pack, pose)) files.add(src);
  return [...files];
}

/** The layers' pictures of `pose`'s first frame (firstFrameFiles without the backdrop), each with its layer's box. */
export function firstFrameParts(pack: AvatarPack, pose: keyof AvatarPack['poses']): Array<[string, Box]> {
  const parts = new Map<string, Box>();
  const resting = pack.poses[pose];
  for (const layer of pack.layers) {
    if (layer.role === 'eyelids') parts.set(layer.frames.open, layer.box);
    else if (layer.role === 'mouth') {
      parts.set(layer.visemes.sil.src, layer.box);
      const rest = layer.visemes[resting.mouth as Viseme]?.src ?? layer.expressions[resting.mouth];
      if (rest) parts.set(rest, layer.box);
    } else parts.set(resting.layers[layer.id] ?? layer.src, layer.box);
  }
  return [...parts];
}

/**
 * The pre-composited pictures of `pack`'s first frame with `backdrop` (manifest `firstFrame`): the idle pose, and the
 * backdrop's picture when one is shown, in the smallest size made for `scale` device pixels per design unit or more
 * (else the largest). Null when the pack has none for them: its layers make the first frame.
 */
export function firstFramePictures(
  pack: AvatarPack,
  pose: keyof AvatarPack['poses'],
  backdrop: BackdropShown,
  scale: number,
): string[] | null {
  const first = pack.firstFrame;
  if (!first || pose !== 'idle') return null;
  const made = first.scales.find((s) => s >= scale * 0.95) ?? first.scales[first.scales.length - 1];
  const sized = (file: string) => (made === first.scales[0] ? file : file.replace(/(\.\w+)$/, `-${made}x$1`));
  if (backdrop === 'none' || !pack.background) return [sized(first.src)];
  const picture = backdrop === 'dark' && pack.background.dark ? first.background?.dark : first.background?.src;
  return picture ? [sized(first.src), sized(picture)] : null;
}

/**
 * The most device pixels per design unit a pack of `size` can take on this page: fitted into the viewport at its pixel
 * ratio (the avatar's container is no larger), known before the container is laid out.
 */
export function viewportScale(size: { width: number; height: number }): number {
  if (typeof window === 'undefined') return 1;
  return (window.devicePixelRatio || 1) * Math.min(window.innerWidth / size.width, window.innerHeight / size.height);
}

/** Where a robot's pack lives on the server. */
export function packManifestUrl(httpBase: string, avatarId?: string): string {
  return `${httpBase}/avatars/${encodeURIComponent(avatarId || 'default')}/manifest.json`;
}
