import { firstFrameFiles, packFiles, type AvatarPack, type Box, type MouthLayer, type PackLayer, type PackPose } from './avatar-pack.js';
import type { AvatarPreview, AvatarSource, AvatarState, AvatarSurface, Viseme, VisemeCue } from './avatar-surface.js';
import { DEFAULT_PALETTE, drawFallbackFace, readPalette, type Palette } from './fallback-face.js';
import { bandPowers, cueAt, mouthFeatures, mouthTarget, nearestViseme, rms, smoothMouth, type MouthFeatures } from './lip-sync.js';
import { PackFetcher } from './pack-fetcher.js';
import { createLogger, type Logger } from '../core/logger.js';

/** Frames closer together than this are skipped: ~30 fps is plenty and keeps a kiosk cool. */
const MIN_FRAME_MS = 1000 / 30 - 4;
/** Cross-fade between two mouth shapes. */
const MOUTH_FADE_MS = 45;
/** Below this openness the mouth shows the pose's resting shape. */
const MOUTH_REST = 0.06;
/** Draw durations kept for `frameStats()`. */
const STATS_SIZE = 600;

type Source = HTMLImageElement | HTMLVideoElement;
interface Raster {
  canvas: HTMLCanvasElement;
  scale: number;
}

/**
 * The in-browser avatar: an avatar pack (layered pictures from the server) composited on a 2D canvas.
 * Vector parts are rasterised once per size into offscreen canvases, so a frame is a dozen drawImage calls.
 * The mouth follows the audio actually playing (AnalyserNode of the playback graph: level → jaw, spectrum
 * → lip shape → nearest viseme), or a TTS viseme timeline when one covers the audio clock. Idle life:
 * breathing, sway, wandering gaze, blinks; poses for listening and thinking. ≤ 30 fps, device-pixel-ratio
 * aware, paused while the page is hidden or the canvas is off-screen. No GPU needed.
 */
export class LocalCanvasAvatar implements AvatarSurface {
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | null = null;
  private container: HTMLElement | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private intersectionObserver: IntersectionObserver | null = null;
  private onScreen = true;
  private analyser: AnalyserNode | null = null;
  private samples: Float32Array<ArrayBuffer> | null = null;
  private spectrum: Float32Array<ArrayBuffer> | null = null;
  private timeline: readonly VisemeCue[] = [];
  private palette: Palette = DEFAULT_PALETTE;
  private state: AvatarState = 'idle';
  private running = false;
  private frame = 0;
  private lastDraw = 0;
  private lastTick = 0;
  private cssWidth = 0;
  private cssHeight = 0;
  private showBackground = true;
  private darkBackground = false;
  private still: AvatarPreview | null = null;

  // Pack and its rasters.
  private pack: AvatarPack | null = null;
  private failed = false;
  private loading: Promise<void> | null = null;
  private sources = new Map<string, Source>();
  private readonly fetcher = new PackFetcher();
  private rasters = new Map<string, Raster>();
  private clips = new Map<string, Path2D>();
  /** The pack's background, on its own canvas under the animated one: drawn once per size, not per frame. */
  private backgroundCanvas: HTMLCanvasElement | null = null;
  private visemeTable: Array<[Viseme, MouthFeatures]> = [];
  private warmTimer: ReturnType<typeof setTimeout> | undefined;

  // Animation state.
  private mouth = 0;
  private mouthShape = 'sil';
  private fadeFrom: string | null = null;
  private fadeStart = 0;
  private nextBlinkAt = 0;
  private blinkStart = -1;
  private lid = 0;
  private gaze = { x: 0, y: 0 };
  private gazeTarget = { x: 0, y: 0 };
  private nextGazeAt = 0;
  private pose = { tilt: 0, brows: 0, nod: 0, sway: 0 };

  // Draw timings for benchmarks.
  private stats = new Float32Array(STATS_SIZE);
  private frames = 0;

  /** `log`: where a broken avatar pack is reported (the digital human's logger). */
  constructor(private readonly log: Pick<Logger, 'error'> = createLogger()) {
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
  }

  get mouthOpenness(): number {
    return this.mouth;
  }

  get viseme(): string {
    return this.mouthShape;
  }

  mount(container: HTMLElement): void {
    if (this.canvas) return;
    this.container = container;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Digital human');
    container.appendChild(canvas);
    this.canvas = canvas;
    const background = document.createElement('canvas');
    background.className = 'background';
    background.setAttribute('aria-hidden', 'true');
    container.appendChild(background);
    this.backgroundCanvas = background;
    this.ctx = canvas.getContext('2d');
    this.palette = readPalette(container);
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => {
        this.resize();
        if (!this.isLive()) this.draw(performance.now());
      });
      this.resizeObserver.observe(container);
    }
    if (typeof IntersectionObserver !== 'undefined') {
      this.intersectionObserver = new IntersectionObserver((entries) => {
        this.onScreen = entries[entries.length - 1].isIntersecting;
        this.schedule();
      });
      this.intersectionObserver.observe(canvas);
    }
    this.resize();
  }

  load(source: AvatarSource): Promise<void> {
    if (!this.loading) this.loading = this.loadPack(source.url);
    return this.loading;
  }

  prefetch(source: AvatarSource): void {
    if (!this.loading) this.fetcher.prefetch(source.url, this.state);
  }

  attachAnalyser(analyser: AnalyserNode | null): void {
    this.analyser = analyser;
    this.samples = analyser ? new Float32Array(analyser.fftSize) : null;
    this.spectrum = analyser ? new Float32Array(analyser.frequencyBinCount) : null;
  }

  setVisemeTimeline(cues: readonly VisemeCue[] | null): void {
    this.timeline = cues ? [...cues].sort((a, b) => a.time - b.time) : [];
  }

  setState(state: AvatarState): void {
    this.state = state;
  }

  setBackground(visible: boolean, dark = false): void {
    if (this.showBackground === visible && this.darkBackground === dark) return;
    this.showBackground = visible;
    this.darkBackground = dark;
    this.drawBackground();
  }

  preview(options: AvatarPreview | null): void {
    this.still = options ? { ...options } : null;
    this.fadeFrom = null;
    this.draw(performance.now());
  }

  /** Holds the mouth on one viseme or expression (null: back to lip-sync). */
  showViseme(viseme: string | null): void {
    this.preview(viseme === null ? null : { ...this.still, viseme });
  }

  /** Main-thread time of recent draws in ms (newest last) and the number of frames drawn. */
  frameStats(): { frames: number; drawMs: number[] } {
    const n = Math.min(this.frames, STATS_SIZE);
    const out: number[] = [];
    for (let i = this.frames - n; i < this.frames; i++) out.push(this.stats[i % STATS_SIZE]);
    return { frames: this.frames, drawMs: out };
  }

  start(): void {
    if (this.running || !this.canvas) return;
    this.running = true;
    document.addEventListener('visibilitychange', this.onVisibility);
    const now = performance.now();
    this.lastTick = now;
    this.nextBlinkAt = now + 1500 + Math.random() * 2500;
    this.resize();
    this.draw(now);
    if (this.pack || this.failed) this.resolveReady();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    cancelAnimationFrame(this.frame);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  destroy(): void {
    this.stop();
    clearTimeout(this.warmTimer);
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.intersectionObserver?.disconnect();
    this.intersectionObserver = null;
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
    this.canvas?.remove();
    this.canvas = null;
    this.backgroundCanvas?.remove();
    this.backgroundCanvas = null;
    this.ctx = null;
    this.analyser = null;
    this.mouth = 0;
  }

  // ---- loading ----

  private async loadPack(url: string): Promise<void> {
    let rest: string[] = [];
    try {
      const pack = await this.fetcher.manifest(url);
      // First-frame pictures first; the rest (other visemes, blinks, poses) stream in behind the first frame.
      const first = firstFrameFiles(pack, this.state);
      await Promise.all(first.map((file) => this.loadFile(pack, file)));
      rest = packFiles(pack).filter((file) => !first.includes(file));
      for (const layer of pack.layers) if (layer.role === 'iris' && layer.clip) this.clips.set(layer.id, new Path2D(layer.clip));
      const mouth = pack.layers.find((l): l is MouthLayer => l.role === 'mouth');
      this.visemeTable = mouth
        ? (Object.entries(mouth.visemes).map(([v, e]) => [v as Viseme, e.features]) as Array<[Viseme, MouthFeatures]>)
        : [];
      this.pack = pack;
      this.mouthShape = pack.poses[this.state].mouth;
      this.drawBackground();
    } catch (error) {
      // A broken pack must not break the conversation: say why (clearly, for the pack author) and draw
      // the plain built-in face instead.
      this.log.error(`${error instanceof Error ? error.message : String(error)}; drawing the built-in face instead.`);
      this.failed = true;
    }
    if (this.running) {
      this.draw(performance.now());
      this.resolveReady();
    }
    const pack = this.pack;
    if (!pack || !rest.length) return this.warmRasters();
    // A picture that fails later only costs its shape: the mouth falls back to the silent one.
    await Promise.all(
      rest.map((file) =>
        this.loadFile(pack, file).catch((error) =>
          this.log.error(`avatar pack ${url}: ${error instanceof Error ? error.message : String(error)}`),
        ),
      ),
    );
    if (this.pack === pack) this.warmRasters();
  }

  private async loadFile(pack: AvatarPack, file: string): Promise<void> {
    this.sources.set(file, await this.fetcher.file(pack, file));
  }

  /** `src` when its picture has arrived, else `fallback` (pictures beyond the first frame load later). */
  private loadedOr(src: string | undefined, fallback: string): string {
    return src && this.sources.has(src) ? src : fallback;
  }

  /** Rasterises the pictures not drawn yet (other visemes, blink frames) in small slices after the first frame. */
  private warmRasters(): void {
    const pack = this.pack;
    if (!pack) return;
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

  // ---- frame loop ----

  private isLive(): boolean {
    return this.running && !document.hidden && this.onScreen;
  }

  private readonly onVisibility = () => {
    if (!document.hidden) this.lastTick = performance.now();
    this.schedule();
  };

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    if (this.isLive()) this.frame = requestAnimationFrame(this.tick);
  }

  private readonly tick = (now: number) => {
    if (!this.isLive()) return;
    this.frame = requestAnimationFrame(this.tick);
    if (now - this.lastDraw < MIN_FRAME_MS) return;
    this.draw(now);
  };

  private resize(): void {
    const canvas = this.canvas;
    const container = this.container;
    if (!canvas || !container) return;
    const rect = container.getBoundingClientRect();
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    this.cssWidth = rect.width;
    this.cssHeight = rect.height;
    const width = Math.max(1, Math.round(rect.width * dpr));
    const height = Math.max(1, Math.round(rect.height * dpr));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    this.drawBackground();
  }

  /** The pack's background in the scheme in force (its dark variant in dark mode, when it has one). */
  private backgroundSource() {
    const background = this.showBackground ? this.pack?.background : null;
    return background ? this.sources.get((this.darkBackground && background.dark) || background.src) : undefined;
  }

  private drawBackground(): void {
    const canvas = this.backgroundCanvas;
    const main = this.canvas;
    if (!canvas || !main) return;
    const found = this.backgroundSource();
    // A video background changes every frame, so the frame loop draws it; a picture is drawn here once.
    const source = found instanceof HTMLVideoElement ? undefined : found;
    const width = source ? main.width : 1;
    const height = source ? main.height : 1;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    if (source) drawCover(ctx, source, width, height);
  }

  private draw(now: number): void {
    const started = performance.now();
    const ctx = this.ctx;
    const canvas = this.canvas;
    if (!ctx || !canvas) return;
    const dt = Math.min(200, now - this.lastTick);
    this.lastTick = now;
    this.lastDraw = now;
    this.updateMouth(dt);
    this.updateEyes(now, dt);

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.cssWidth > 0 && this.cssHeight > 0) {
      if (this.pack) this.drawPack(ctx, this.pack, now, dt);
      else if (this.failed) {
        drawFallbackFace(ctx, this.cssWidth, this.cssHeight, {
          now,
          state: this.state,
          mouth: this.mouth,
          lid: 1 - this.lid,
          look: this.gaze,
          palette: this.palette,
        });
      }
    }
    this.stats[this.frames % STATS_SIZE] = performance.now() - started;
    this.frames++;
  }

  private updateMouth(dt: number): void {
    let target = 0;
    let features: MouthFeatures = [0, 0.3, 0];
    const cue = this.analyser && this.timeline.length ? cueAt(this.timeline, this.analyser.context.currentTime) : null;
    if (cue) {
      features = this.visemeTable.find(([v]) => v === cue.viseme)?.[1] ?? [0.5, 0.5, 0];
      target = features[0];
    } else if (this.analyser && this.samples && this.spectrum) {
      this.analyser.getFloatTimeDomainData(this.samples);
      target = mouthTarget(rms(this.samples));
      if (target > 0) {
        this.analyser.getFloatFrequencyData(this.spectrum);
        features = mouthFeatures(target, bandPowers(this.spectrum, this.analyser.context.sampleRate));
      }
    }
    this.mouth = smoothMouth(this.mouth, target, dt);
    if (this.mouth < 0.002) this.mouth = 0;

    const pack = this.pack;
    if (!pack) return;
    let shape: string;
    if (this.still?.viseme) shape = this.still.viseme;
    else if (cue) shape = cue.viseme;
    else if (this.mouth < MOUTH_REST || !this.visemeTable.length) shape = pack.poses[this.state].mouth;
    else {
      features[0] = this.mouth;
      const current = this.visemeTable.some(([v]) => v === this.mouthShape) ? (this.mouthShape as Viseme) : null;
      shape = nearestViseme(features, this.visemeTable, current);
    }
    if (shape !== this.mouthShape) {
      this.fadeFrom = this.mouthShape;
      this.fadeStart = performance.now();
      this.mouthShape = shape;
    }
  }

  private updateEyes(now: number, dt: number): void {
    const pack = this.pack;
    const blink = pack?.motion.blink ?? { intervalMs: [2200, 5600], durationMs: 150, doubleChance: 0.15 };
    if (this.still) {
      this.lid = this.still.blink ?? 0;
      this.blinkStart = -1;
    } else {
      if (this.blinkStart < 0 && now >= this.nextBlinkAt) this.blinkStart = now;
      this.lid = 0;
      if (this.blinkStart >= 0) {
        const p = (now - this.blinkStart) / blink.durationMs;
        if (p >= 1) {
          this.blinkStart = -1;
          // Now and then a double blink, as people do.
          const [min, max] = blink.intervalMs;
          this.nextBlinkAt = now + (Math.random() < blink.doubleChance ? 120 : min + Math.random() * (max - min));
        } else this.lid = Math.sin(Math.PI * p);
      }
    }
    const pose = pack?.poses[this.state];
    const gazeMotion = pack?.motion.gaze ?? { rangeX: 3, rangeY: 1.5, intervalMs: [900, 3400] };
    if (pose?.gaze) this.gazeTarget = { x: pose.gaze[0], y: pose.gaze[1] };
    else if (this.still) this.gazeTarget = { x: 0, y: 0 };
    else if (now >= this.nextGazeAt) {
      // Small saccades around the viewer, mostly back to the centre.
      const centre = Math.random() < 0.45;
      this.gazeTarget = centre
        ? { x: 0, y: 0 }
        : { x: (Math.random() * 2 - 1) * gazeMotion.rangeX, y: (Math.random() * 2 - 1) * gazeMotion.rangeY };
      const [min, max] = gazeMotion.intervalMs;
      this.nextGazeAt = now + min + Math.random() * (max - min);
    }
    // Saccades are quick; pose changes ease in.
    const k = this.still ? 1 : 1 - Math.exp(-dt / (pose?.gaze ? 120 : 40));
    this.gaze.x += (this.gazeTarget.x - this.gaze.x) * k;
    this.gaze.y += (this.gazeTarget.y - this.gaze.y) * k;
  }

  private drawPack(ctx: CanvasRenderingContext2D, pack: AvatarPack, now: number, dt: number): void {
    const canvas = ctx.canvas;
    const bg = this.backgroundSource();
    if (bg instanceof HTMLVideoElement && bg.readyState >= 2) drawCover(ctx, bg, canvas.width, canvas.height);
    // Fit the design box into the canvas.
    const fitScale = pack.fit.mode === 'cover' ? Math.max : Math.min;
    const s = fitScale(canvas.width / pack.width, canvas.height / pack.height);
    const ox = (canvas.width - pack.width * s) / 2;
    const oy = pack.fit.align === 'bottom' ? canvas.height - pack.height * s : (canvas.height - pack.height * s) / 2;

    const pose: PackPose = pack.poses[this.state];
    const still = !!this.still?.still;
    const ease = still ? 1 : 1 - Math.exp(-dt / 250);
    this.pose.tilt += (pose.tilt - this.pose.tilt) * ease;
    this.pose.brows += (pose.brows + (this.state === 'speaking' ? -this.mouth * 2 : 0) - this.pose.brows) * ease;
    this.pose.nod += (pose.nod - this.pose.nod) * ease;
    this.pose.sway += (pose.sway - this.pose.sway) * ease;

    const { breathing, sway } = pack.motion;
    const t = still ? 0 : now;
    const breath = Math.sin((2 * Math.PI * t) / breathing.periodMs) * breathing.amplitude;
    const swayDeg = Math.sin((2 * Math.PI * t) / sway.periodMs) * (sway.degrees + this.pose.sway) + this.pose.tilt;
    const nod = Math.sin((2 * Math.PI * t) / 1700) * this.pose.nod;
    const [bx, by] = pack.pivots.body;
    const [hx, hy] = pack.pivots.head;
    const headLift = -(by - hy) * breath + nod;
    const angle = (swayDeg * Math.PI) / 180;

    for (const layer of pack.layers) {
      ctx.setTransform(s, 0, 0, s, ox, oy);
      if (layer.group === 'body') {
        ctx.translate(bx, by);
        ctx.scale(1, 1 + breath);
        ctx.translate(-bx, -by);
      } else if (layer.group === 'head') {
        ctx.translate(hx, hy + headLift);
        ctx.rotate(angle);
        ctx.translate(-hx, -hy);
      }
      this.drawLayer(ctx, layer, pose, s);
    }

    if (pose.indicator) {
      ctx.setTransform(s, 0, 0, s, ox, oy);
      const x = pack.width * 0.76;
      const y = pack.height * 0.2;
      for (let i = 0; i < 3; i++) {
        const alpha = 0.35 + 0.6 * Math.max(0, Math.sin(now / 220 - i * 0.9));
        ctx.globalAlpha = alpha;
        ctx.fillStyle = '#64748b';
        ctx.beginPath();
        ctx.arc(x + i * pack.width * 0.035, y - i * pack.width * 0.012, pack.width * (0.009 + i * 0.002), 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
    }
  }

  private drawLayer(ctx: CanvasRenderingContext2D, layer: PackLayer, pose: PackPose, s: number): void {
    const [x, y, w, h] = layer.box;
    switch (layer.role) {
      case 'image': {
        const src = this.loadedOr(pose.layers[layer.id], layer.src);
        const source = this.sources.get(src);
        if (source instanceof HTMLVideoElement) {
          if (source.readyState >= 2) ctx.drawImage(source, x, y, w, h);
        } else this.blit(ctx, src, layer.box, s, 0, 0);
        break;
      }
      case 'iris': {
        const clip = this.clips.get(layer.id);
        if (clip) {
          ctx.save();
          ctx.clip(clip);
        }
        this.blit(ctx, layer.src, layer.box, s, this.gaze.x, this.gaze.y);
        if (clip) ctx.restore();
        break;
      }
      case 'eyelids': {
        const f = layer.frames;
        const frame = this.loadedOr(this.lid > 0.75 ? f.closed : this.lid > 0.3 ? (f.half ?? f.closed) : f.open, f.open);
        this.blit(ctx, frame, layer.box, s, 0, 0);
        break;
      }
      case 'brows':
        this.blit(ctx, layer.src, layer.box, s, 0, this.pose.brows + this.lid * 1.5);
        break;
      case 'mouth': {
        const srcOf = (name: string) => this.loadedOr(layer.visemes[name as Viseme]?.src ?? layer.expressions[name], layer.visemes.sil.src);
        const mix = this.fadeFrom ? Math.min(1, (performance.now() - this.fadeStart) / MOUTH_FADE_MS) : 1;
        if (this.fadeFrom && mix < 1) {
          this.blit(ctx, srcOf(this.fadeFrom), layer.box, s, 0, 0);
          ctx.globalAlpha = mix;
          this.blit(ctx, srcOf(this.mouthShape), layer.box, s, 0, 0);
          ctx.globalAlpha = 1;
        } else {
          this.fadeFrom = null;
          this.blit(ctx, srcOf(this.mouthShape), layer.box, s, 0, 0);
        }
        break;
      }
    }
  }

  /** Draws a picture rasterised at the current scale (so the copy is 1:1 in device pixels when upright). */
  private blit(ctx: CanvasRenderingContext2D, src: string, box: Box, s: number, dx: number, dy: number): void {
    const raster = this.raster(src, box, s);
    if (raster) ctx.drawImage(raster.canvas, box[0] + dx, box[1] + dy, box[2], box[3]);
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

function drawCover(ctx: CanvasRenderingContext2D, source: Source, width: number, height: number): void {
  const sw = source instanceof HTMLVideoElement ? source.videoWidth : source.naturalWidth;
  const sh = source instanceof HTMLVideoElement ? source.videoHeight : source.naturalHeight;
  if (!sw || !sh) return;
  const s = Math.max(width / sw, height / sh);
  ctx.drawImage(source, (width - sw * s) / 2, (height - sh * s) / 2, sw * s, sh * s);
}
