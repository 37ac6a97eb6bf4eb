/**
 * The pictures of one avatar pack as they arrive (through the PackFetcher, which fetches each once): decoded
 * pictures or looping videos, and vector parts rasterised once per size into offscreen canvases, so that a frame
 * is a dozen drawImage calls.
 */
import type { AvatarPack, Box, PackLayer } from './avatar-pack.js';
import type { PackFetcher, PackSource } from './pack-fetcher.js';

/** What a frame draws: a pack's picture or video, or a first-frame picture (first-frame.ts). */
export type PictureSource = PackSource | ImageBitmap;
interface Raster {
  canvas: HTMLCanvasElement;
  scale: number;
}

export class PackPictures {
  private readonly sources = new Map<string, PackSource>();
  private readonly rasters = new Map<string, Raster>();
  /** Iris layer id → the eye openings it is clipped to. */
  private readonly clips = new Map<string, Path2D>();
  private warmTimer: ReturnType<typeof setTimeout> | undefined;
  /** How many times clear() ran: work started before the last one stops. */
  private cleared = 0;
  /**
   * Set for the first frame: draw the pictures themselves instead of making their rasters first (a raster is a
   * canvas more to fill and copy; the next frame makes them), so the avatar is shown sooner on a first visit.
   */
  drawStraight = false;

  constructor(private readonly fetcher: PackFetcher) {}

  async load(pack: AvatarPack, file: string): Promise<void> {
    this.sources.set(file, await this.fetcher.file(pack, file));
  }

  /** Keeps the iris clips of a pack that has been accepted. */
  takeClips(pack: AvatarPack): void {
    for (const layer of pack.layers) if (layer.role === 'iris' && layer.clip) this.clips.set(layer.id, new Path2D(layer.clip));
  }

  clipOf(layer: PackLayer): Path2D | undefined {
    return this.clips.get(layer.id);
  }

  source(src: string): PackSource | undefined {
    return this.sources.get(src);
  }

  /** `src` when its picture has arrived, else `fallback` (pictures beyond the first frame load later). */
  loadedOr(src: string | undefined, fallback: string): string {
    return src && this.sources.has(src) ? src : fallback;
  }

  /** Rasterises the pictures not drawn yet (other visemes, blink frames) in small slices after the first frame. */
  warm(pack: AvatarPack): void {
    const pending: Array<[string, Box]> = [];
    for (const layer of pack.layers) {
      if (layer.role === 'mouth') {
        for (const v of Object.values(layer.visemes)) pending.push([v.src, layer.box]);
        for (const src of Object.values(layer.expressions)) pending.push([src, layer.box]);
      } else if (layer.role === 'eyelids') {
        for (const src of [layer.frames.half, layer.frames.closed]) if (src) pending.push([src, layer.box]);
      }
    }
    const step = () => {
      const started = performance.now();
      while (pending.length && performance.now() - started < 4) {
        const [src, box] = pending.shift()!;
        this.raster(src, box);
      }
      if (pending.length) this.warmTimer = setTimeout(step, 16);
    };
    this.warmTimer = setTimeout(step, 16);
  }

  /**
   * Loads `parts` (pictures of `pack` with their boxes; the browser parses each in a task of its own) and rasterises
   * each at `scale()` in a task of its own, so that a question asked meanwhile is not held up behind them all; without
   * those pauses while `hurry()` says so (the avatar is about to speak). False when clear() came meanwhile.
   */
  async bringIn(pack: AvatarPack, parts: ReadonlyArray<[string, Box]>, scale: () => number, hurry: () => boolean): Promise<boolean> {
    const cleared = this.cleared;
    // What the page does on ready (after `await create()`) comes first.
    await nextTask();
    const loads = parts.map(([src]) => this.load(pack, src));
    for (const [i, [src, box]] of parts.entries()) {
      await loads[i];
      if (!hurry()) await nextTask();
      if (this.cleared !== cleared) return false;
      this.raster(src, box, scale());
    }
    return this.cleared === cleared;
  }

  /** Draws a picture rasterised at the current scale (so the copy is 1:1 in device pixels when upright). */
  blit(ctx: CanvasRenderingContext2D, src: string, box: Box, s: number, dx: number, dy: number): void {
    const source = this.drawStraight ? this.sources.get(src) : undefined;
    if (source && !(source instanceof HTMLVideoElement)) return ctx.drawImage(source, box[0] + dx, box[1] + dy, box[2], box[3]);
    const raster = this.raster(src, box, s);
    if (raster) ctx.drawImage(raster.canvas, box[0] + dx, box[1] + dy, box[2], box[3]);
  }

  /** Stops the warming and the videos and lets every picture go. */
  clear(): void {
    this.cleared++;
    clearTimeout(this.warmTimer);
    for (const source of this.sources.values()) {
      if (source instanceof HTMLVideoElement) {
        source.pause();
        source.removeAttribute('src');
        source.load();
      }
    }
    this.sources.clear();
    this.fetcher.clear();
    this.rasters.clear();
  }

  private raster(src: string, box: Box, scale?: number): Raster | null {
    const s = scale ?? this.rasters.values().next().value?.scale ?? 1;
    const cached = this.rasters.get(src);
    if (cached && Math.abs(cached.scale - s) / s < 0.01) return cached;
    const source = this.sources.get(src);
    if (!source || source instanceof HTMLVideoElement) return null;
    const canvas = cached?.canvas ?? document.createElement('canvas');
    canvas.width = Math.max(1, Math.ceil(box[2] * s));
    canvas.height = Math.max(1, Math.ceil(box[3] * s));
    const c = canvas.getContext('2d');
    if (!c) return null;
    c.clearRect(0, 0, canvas.width, canvas.height);
    c.drawImage(source, 0, 0, canvas.width, canvas.height);
    const raster = { canvas, scale: s };
    this.rasters.set(src, raster);
    return raster;
  }
}

/** Draws a picture or video frame scaled to cover the whole `width`×`height` (centred, cropped). */
export function drawCover(ctx: CanvasRenderingContext2D, source: PictureSource, width: number, height: number): void {
  const [sw, sh] =
    source instanceof HTMLVideoElement
      ? [source.videoWidth, source.videoHeight]
      : source instanceof HTMLImageElement
        ? [source.naturalWidth, source.naturalHeight]
        : [source.width, source.height];
  if (!sw || !sh) return;
  const s = Math.max(width / sw, height / sh);
  ctx.drawImage(source, (width - sw * s) / 2, (height - sh * s) / 2, sw * s, sh * s);
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
