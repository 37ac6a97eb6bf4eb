import { firstFrameFiles, firstFrameParts, packFiles, type AvatarPack, type BackdropShown } from './avatar-pack.js';
import type { AvatarPreview, AvatarSource, AvatarState, AvatarSurface, VisemeCue } from './avatar-surface.js';
import { DEFAULT_PACK_MANIFEST_PATH, defaultPackFirstFrame } from './default-pack-first-frame.js';
import { BackdropCanvas } from './backdrop-canvas.js';
import { FaceMotion } from './face-motion.js';
import { FirstFramePicture } from './first-frame.js';
import { DEFAULT_PALETTE, drawFallbackFace, readPalette, type Palette } from './fallback-face.js';
import { PackFetcher } from './pack-fetcher.js';
import { fitPack, paintPack } from './pack-painter.js';
import { PackPictures, type PictureSource } from './pack-pictures.js';
import { createLogger, type Logger } from '../core/logger.js';

/** Frames closer together than this are skipped: ~30 fps is plenty and keeps a kiosk cool. */
const MIN_FRAME_MS = 1000 / 30 - 4;
/** Draw durations kept for `frameStats()`. */
const STATS_SIZE = 600;

/**
 * The in-browser avatar: an avatar pack (layered pictures from the server, PackPictures) composited on a 2D canvas
 * (paintPack), its face moved by FaceMotion: lip-sync to the audio playing, idle life (breathing, sway, wandering
 * gaze, blinks), poses for listening and thinking. This class owns the canvas and the frame loop: ≤ 30 fps,
 * device-pixel-ratio aware, paused while the page is hidden or the canvas is off-screen. No GPU needed.
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

  private pack: AvatarPack | null = null;
  /** The pack's pre-composited first frame (its backdrop stays until the pack's own arrives); null: none. */
  private picture: FirstFramePicture | null = null;
  /** The picture is drawn instead of the layers, until they are in. */
  private pictureShown = false;
  /** When the layers took over from the picture: their motion starts from the still pose the picture shows. */
  private motionStart = 0;
  private failed = false;
  private loading: Promise<void> | null = null;
  /** What the rest of the pack waits for besides the first frame (holdRestUntil); false: never load it. */
  private restGate: Promise<boolean> = Promise.resolve(true);
  private readonly fetcher = new PackFetcher();
  private readonly pictures = new PackPictures(this.fetcher);
  /** The pack's background, on its own canvas under the animated one: drawn once per size, not per frame. */
  private backdropCanvas: BackdropCanvas | null = null;
  private readonly motion = new FaceMotion();

  // Draw timings for benchmarks.
  private readonly stats = new Float32Array(STATS_SIZE);
  private frames = 0;

  /** `log`: where a broken avatar pack is reported (the digital human's logger). */
  constructor(private readonly log: Pick<Logger, 'error'> = createLogger()) {
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
  }

  get mouthOpenness(): number {
    return this.motion.mouth;
  }

  get viseme(): string {
    return this.motion.mouthShape;
  }

  mount(container: HTMLElement): void {
    if (this.canvas) return;
    this.container = container;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Digital human');
    container.appendChild(canvas);
    this.canvas = canvas;
    this.backdropCanvas = new BackdropCanvas();
    container.appendChild(this.backdropCanvas.canvas);
    this.ctx = canvas.getContext('2d');
    this.palette = readPalette(container);
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => {
        this.resize();
        if (!this.isLive() || this.pictureShown) this.draw(performance.now());
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

  /**
   * Resolves once the pack asked for by load() is all in: its first frame's pictures and the rest, which in a digital
   * human follows ready (holdRestUntil). Resolved at once before load().
   */
  get loaded(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  /**
   * The rest of the pack (other mouths, blinks, poses, the other backdrop) waits for `until` as well as for the first
   * frame: a digital human holds it until its session is ready, so that those pictures (each an SVG document to parse
   * on the main thread) and their connections do not slow the channel's handshake that ready waits for. Resolving to
   * false drops the rest (the digital human was torn down).
   */
  holdRestUntil(until: Promise<boolean>): void {
    this.restGate = until;
  }

  prefetch(source: AvatarSource): void {
    if (this.loading) return;
    // The default pack's first frame is known before its manifest arrives (default-pack-first-frame.ts).
    const isDefault = this.state === 'idle' && new URL(source.url, location.href).pathname.endsWith(DEFAULT_PACK_MANIFEST_PATH);
    this.fetcher.prefetch(source.url, this.state, this.backdrop(), isDefault ? defaultPackFirstFrame(this.backdrop()) : []);
  }

  attachAnalyser(analyser: AnalyserNode | null): void {
    this.motion.listenTo(analyser);
  }

  setVisemeTimeline(cues: readonly VisemeCue[] | null): void {
    this.motion.setTimeline(cues);
  }

  setState(state: AvatarState): void {
    this.state = state;
  }

  setBackground(visible: boolean, dark = false): void {
    if (this.showBackground === visible && this.darkBackground === dark) return;
    this.showBackground = visible;
    this.darkBackground = dark;
    this.drawBackground();
    // A scheme switched after the first frame may want the backdrop left for later: fetch it now, not with the rest.
    const pack = this.pack;
    const background = this.showBackground ? pack?.background : null;
    const wanted = background && ((this.darkBackground && background.dark) || background.src);
    if (pack && wanted && !this.pictures.source(wanted)) {
      this.pictures.load(pack, wanted).then(
        () => this.pack === pack && this.drawBackground(),
        () => {},
      );
    }
  }

  preview(options: AvatarPreview | null): void {
    this.still = options ? { ...options } : null;
    this.motion.skipFade();
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
    this.motion.startBlinking(now);
    this.resize();
    if (this.pack || this.failed) {
      // The pack arrived before the avatar was on the page (its first pictures are asked for early): a first frame.
      this.drawFirstFrame(now);
      this.resolveReady();
    } else this.draw(now);
    this.schedule();
  }

  stop(): void {
    this.running = false;
    cancelAnimationFrame(this.frame);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  destroy(): void {
    this.stop();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.intersectionObserver?.disconnect();
    this.intersectionObserver = null;
    this.pictures.clear();
    this.pack = null;
    this.picture = null;
    this.canvas?.remove();
    this.canvas = null;
    this.backdropCanvas?.remove();
    this.backdropCanvas = null;
    this.ctx = null;
    this.motion.close();
  }

  // ---- loading ----

  private async loadPack(url: string): Promise<void> {
    let rest: string[] = [];
    try {
      const pack = await this.fetcher.manifest(url);
      // First-frame pictures first (pre-composited, or else the layers'); the rest (other visemes, blinks, poses)
      // stream in behind the first frame.
      const picture = await FirstFramePicture.load(this.fetcher, pack, this.state, this.backdrop(), this.log);
      const first = picture ? [] : firstFrameFiles(pack, this.state, this.backdrop());
      await Promise.all(first.map((file) => this.pictures.load(pack, file)));
      rest = packFiles(pack).filter((file) => !first.includes(file));
      this.picture = picture;
      this.pictureShown = !!picture;
      this.pictures.takeClips(pack);
      this.motion.usePack(pack, this.state);
      this.pack = pack;
      this.drawBackground();
    } catch (error) {
      // A broken pack must not break the conversation: say why (clearly, for the pack author) and draw
      // the plain built-in face instead.
      this.log.error(`${error instanceof Error ? error.message : String(error)}; drawing the built-in face instead.`);
      this.failed = true;
    }
    if (this.running) {
      this.drawFirstFrame(performance.now());
      this.resolveReady();
    }
    const pack = this.pack;
    if (!pack) return;
    // The rest waits for the first frame when the pack arrived before the avatar was on the page (its first pictures
    // are asked for early). A mounted avatar that has not started (the renderer's warm page, whose load() is the
    // wait before start()) loads the rest at once: waiting for a start that waits for it would never end.
    if (!this.canvas) await this.ready;
    if (!(await this.restGate) || this.pack !== pack) return;
    if (this.pictureShown && !(await this.bringInLayers(pack))) return;
    if (!rest.length) return this.pictures.warm(pack);
    // A picture that fails later only costs its shape: the mouth falls back to the silent one.
    await Promise.all(
      rest.map((file) =>
        this.pictures
          .load(pack, file)
          .catch((error) => this.log.error(`avatar pack ${url}: ${error instanceof Error ? error.message : String(error)}`)),
      ),
    );
    if (this.pack !== pack) return;
    // The backdrop may have switched (dark mode) to the variant that was left for later.
    this.drawBackground();
    this.pictures.warm(pack);
  }

  /**
   * After ready: the first frame's layers, one at a time and rasterised at the canvas's size, then they take over
   * from the picture in the same still pose. False when they cannot (a part failed: logged, the picture stays).
   */
  private async bringInLayers(pack: AvatarPack): Promise<boolean> {
    const scale = () => (this.canvas ? fitPack(pack, this.canvas.width, this.canvas.height).s : 1);
    try {
      const hurry = () => this.state !== 'idle';
      if (!(await this.pictures.bringIn(pack, firstFrameParts(pack, 'idle'), scale, hurry)) || this.pack !== pack) return false;
    } catch (error) {
      this.log.error(`${error instanceof Error ? error.message : String(error)}; the avatar stays still.`);
      return false;
    }
    this.pictureShown = false;
    this.motionStart = performance.now();
    this.motion.restart(this.motionStart);
    return true;
  }

  // ---- frame loop ----

  /** Straight from the pictures: their per-size rasters (which make later frames cheap) are made after ready. */
  private drawFirstFrame(now: number): void {
    this.pictures.drawStraight = true;
    this.draw(now);
    this.pictures.drawStraight = false;
  }

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
    // The first frame's picture is still: drawn again only when the canvas was resized (resize() draws it).
    if (now - this.lastDraw < MIN_FRAME_MS || this.pictureShown) return;
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

  /** The backdrop the next frames show, so the first frame waits for that picture only. */
  private backdrop(): BackdropShown {
    return this.showBackground ? (this.darkBackground ? 'dark' : 'light') : 'none';
  }

  /** The pack's background in the scheme in force (its dark variant in dark mode, when it has one), or its first frame's. */
  private backgroundSource(): PictureSource | undefined {
    const background = this.showBackground ? this.pack?.background : null;
    if (!background) return undefined;
    return this.pictures.source((this.darkBackground && background.dark) || background.src) ?? this.picture?.backdropFor(this.backdrop());
  }

  private drawBackground(): void {
    if (this.canvas) this.backdropCanvas?.show(this.backgroundSource(), this.canvas.width, this.canvas.height);
  }

  private draw(now: number): void {
    const started = performance.now();
    const ctx = this.ctx;
    const canvas = this.canvas;
    if (!ctx || !canvas) return;
    const dt = Math.min(200, now - this.lastTick);
    this.lastTick = now;
    this.lastDraw = now;
    const face = { pack: this.pack, state: this.state, still: this.still };
    // The first frame's picture holds the still pose: the face moves once the layers have taken over.
    const picture = this.pictureShown ? this.picture : null;
    if (!picture) this.motion.update(now, dt, face);

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.cssWidth > 0 && this.cssHeight > 0) {
      if (picture && this.pack) picture.paint(ctx, this.pack);
      else if (this.pack) {
        const frame = { ...face, pack: this.pack, now, dt, background: this.backgroundSource(), motionStart: this.motionStart };
        paintPack(ctx, this.pictures, this.motion, frame);
      } else if (this.failed) {
        drawFallbackFace(ctx, this.cssWidth, this.cssHeight, {
          now,
          state: this.state,
          mouth: this.motion.mouth,
          lid: 1 - this.motion.lid,
          look: this.motion.gaze,
          palette: this.palette,
        });
      }
    }
    this.stats[this.frames % STATS_SIZE] = performance.now() - started;
    this.frames++;
  }
}
