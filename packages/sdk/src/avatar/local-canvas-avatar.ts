import type { AvatarState, AvatarSurface } from './avatar-surface.js';
import { mouthTarget, rms, smoothMouth } from './lip-sync.js';

interface Palette {
  skin: string;
  skinShade: string;
  hair: string;
  shirt: string;
  lips: string;
  eyes: string;
  cheeks: string;
}

const DEFAULT_PALETTE: Palette = {
  skin: '#f3c9a7',
  skinShade: '#e0ab88',
  hair: '#3b2a25',
  shirt: '#4f46e5',
  lips: '#b4505a',
  eyes: '#2b2230',
  cheeks: 'rgba(236, 120, 120, 0.28)',
};

/** Width and height of the drawing's own coordinate space; it is scaled to fit the canvas. */
const DESIGN_W = 400;
const DESIGN_H = 440;
/** Frames closer together than this are skipped (~30 fps is plenty for this face). */
const MIN_FRAME_MS = 30;

/**
 * A 2D-canvas avatar: head, hair, blinking eyes, a mouth that follows the level of the audio actually
 * playing (AnalyserNode of the playback graph). Needs no GPU; redraws with requestAnimationFrame, pauses
 * while the page is hidden, and is sharp on high-DPI screens.
 */
export class LocalCanvasAvatar implements AvatarSurface {
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | null = null;
  private container: HTMLElement | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private analyser: AnalyserNode | null = null;
  private samples: Float32Array<ArrayBuffer> | null = null;
  private palette: Palette = DEFAULT_PALETTE;
  private state: AvatarState = 'idle';
  private running = false;
  private frame = 0;
  private lastDraw = 0;
  private lastTick = 0;
  private mouth = 0;
  private nextBlinkAt = 0;
  private blinkStart = -1;
  private look = { x: 0, y: 0 };
  private cssWidth = 0;
  private cssHeight = 0;

  constructor() {
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
  }

  get mouthOpenness(): number {
    return this.mouth;
  }

  mount(container: HTMLElement): void {
    if (this.canvas) return;
    this.container = container;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Digital human');
    container.appendChild(canvas);
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.palette = readPalette(container);
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => {
        this.resize();
        if (!this.running || document.hidden) this.draw(performance.now());
      });
      this.resizeObserver.observe(container);
    }
    this.resize();
  }

  attachAnalyser(analyser: AnalyserNode | null): void {
    this.analyser = analyser;
    this.samples = analyser ? new Float32Array(analyser.fftSize) : null;
  }

  setState(state: AvatarState): void {
    this.state = state;
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
    this.resolveReady();
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
    this.canvas?.remove();
    this.canvas = null;
    this.ctx = null;
    this.analyser = null;
    this.mouth = 0;
  }

  private readonly onVisibility = () => {
    if (document.hidden) cancelAnimationFrame(this.frame);
    else if (this.running) {
      this.lastTick = performance.now();
      this.schedule();
    }
  };

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(this.tick);
  }

  private readonly tick = (now: number) => {
    if (!this.running) return;
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
  }

  private updateMouth(dt: number): void {
    let target = 0;
    if (this.analyser && this.samples) {
      this.analyser.getFloatTimeDomainData(this.samples);
      target = mouthTarget(rms(this.samples));
    }
    this.mouth = smoothMouth(this.mouth, target, dt);
    if (this.mouth < 0.002) this.mouth = 0;
  }

  private updateEyes(now: number): number {
    if (this.blinkStart < 0 && now >= this.nextBlinkAt) this.blinkStart = now;
    let lid = 1;
    if (this.blinkStart >= 0) {
      const p = (now - this.blinkStart) / 150;
      if (p >= 1) {
        this.blinkStart = -1;
        // Now and then a double blink, as people do.
        this.nextBlinkAt = now + (Math.random() < 0.15 ? 180 : 2200 + Math.random() * 3800);
      } else lid = 1 - Math.sin(Math.PI * p) * 0.95;
    }
    const target =
      this.state === 'thinking' ? { x: 4, y: -4 } : this.state === 'listening' ? { x: 0, y: 1 } : { x: Math.sin(now / 2300) * 1.5, y: 0 };
    this.look.x += (target.x - this.look.x) * 0.15;
    this.look.y += (target.y - this.look.y) * 0.15;
    return lid;
  }

  private draw(now: number): void {
    const ctx = this.ctx;
    const canvas = this.canvas;
    if (!ctx || !canvas) return;
    const dt = Math.min(200, now - this.lastTick);
    this.lastTick = now;
    this.lastDraw = now;
    this.updateMouth(dt);
    const lid = this.updateEyes(now);

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.cssWidth <= 0 || this.cssHeight <= 0) return;
    const dpr = canvas.width / this.cssWidth;
    const scale = Math.min(this.cssWidth / DESIGN_W, this.cssHeight / DESIGN_H) * dpr;
    // Centered horizontally, standing on the bottom edge.
    ctx.setTransform(scale, 0, 0, scale, (canvas.width - DESIGN_W * scale) / 2, canvas.height - DESIGN_H * scale);

    const p = this.palette;
    const breathe = Math.sin(now / 700) * 1.6;
    const sway = Math.sin(now / 1900) * (this.state === 'speaking' ? 0.022 : 0.012) + (this.state === 'listening' ? 0.04 : 0);

    // Shoulders and neck.
    ctx.fillStyle = p.shirt;
    ctx.beginPath();
    ctx.moveTo(40, DESIGN_H);
    ctx.bezierCurveTo(48, 352 + breathe, 110, 326 + breathe, 200, 324 + breathe);
    ctx.bezierCurveTo(290, 326 + breathe, 352, 352 + breathe, 360, DESIGN_H);
    ctx.closePath();
    ctx.fill();
    ctx.fillStyle = p.skinShade;
    ctx.beginPath();
    ctx.moveTo(172, 250);
    ctx.lineTo(228, 250);
    ctx.lineTo(232, 326 + breathe);
    ctx.quadraticCurveTo(200, 346 + breathe, 168, 326 + breathe);
    ctx.closePath();
    ctx.fill();

    ctx.save();
    ctx.translate(200, 250 + breathe * 0.6);
    ctx.rotate(sway);
    ctx.translate(-200, -250);

    // Hair behind the head.
    ctx.fillStyle = p.hair;
    ctx.beginPath();
    ctx.ellipse(200, 168, 96, 104, 0, Math.PI, 0);
    ctx.lineTo(294, 236);
    ctx.quadraticCurveTo(290, 262, 270, 268);
    ctx.lineTo(130, 268);
    ctx.quadraticCurveTo(110, 262, 106, 236);
    ctx.closePath();
    ctx.fill();

    // Ears and face.
    ctx.fillStyle = p.skin;
    ctx.beginPath();
    ctx.ellipse(120, 192, 13, 20, 0, 0, Math.PI * 2);
    ctx.ellipse(280, 192, 13, 20, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.ellipse(200, 180, 80, 96, 0, 0, Math.PI * 2);
    ctx.fill();

    // Fringe.
    ctx.fillStyle = p.hair;
    ctx.beginPath();
    ctx.moveTo(114, 178);
    ctx.bezierCurveTo(106, 86, 190, 56, 246, 80);
    ctx.bezierCurveTo(284, 96, 296, 140, 287, 180);
    ctx.bezierCurveTo(270, 140, 240, 118, 206, 124);
    ctx.bezierCurveTo(170, 128, 150, 116, 140, 104);
    ctx.bezierCurveTo(132, 130, 124, 150, 114, 178);
    ctx.closePath();
    ctx.fill();

    // Cheeks.
    ctx.fillStyle = p.cheeks;
    ctx.beginPath();
    ctx.ellipse(152, 222, 16, 10, 0, 0, Math.PI * 2);
    ctx.ellipse(248, 222, 16, 10, 0, 0, Math.PI * 2);
    ctx.fill();

    // Brows: raised while thinking or speaking loudly.
    const browLift = (this.state === 'thinking' ? 5 : 0) + this.mouth * 3;
    ctx.strokeStyle = p.hair;
    ctx.lineWidth = 5;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(154, 160 - browLift);
    ctx.quadraticCurveTo(170, 152 - browLift, 186, 158 - browLift);
    ctx.moveTo(214, 158 - browLift);
    ctx.quadraticCurveTo(230, 152 - browLift, 246, 160 - browLift);
    ctx.stroke();

    // Eyes.
    for (const x of [170, 230]) {
      ctx.fillStyle = '#ffffff';
      ctx.beginPath();
      ctx.ellipse(x, 188, 13, 11 * lid, 0, 0, Math.PI * 2);
      ctx.fill();
      if (lid > 0.25) {
        ctx.fillStyle = p.eyes;
        ctx.beginPath();
        ctx.ellipse(x + this.look.x, 188 + this.look.y, 7, 8 * lid, 0, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillStyle = 'rgba(255,255,255,0.9)';
        ctx.beginPath();
        ctx.arc(x + this.look.x + 2.5, 185 + this.look.y, 2.2, 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.strokeStyle = p.eyes;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.ellipse(x, 188, 13, 11 * lid, 0, Math.PI * 1.08, Math.PI * 1.92);
      ctx.stroke();
    }

    // Nose.
    ctx.strokeStyle = p.skinShade;
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(200, 200);
    ctx.quadraticCurveTo(194, 216, 202, 220);
    ctx.stroke();

    // Mouth: a smile at rest, an opening that follows the audio.
    const open = this.mouth;
    if (open < 0.04) {
      ctx.strokeStyle = p.lips;
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.moveTo(182, 240);
      ctx.quadraticCurveTo(200, 251, 218, 240);
      ctx.stroke();
    } else {
      const w = 20 - open * 4;
      const h = 3 + open * 17;
      ctx.fillStyle = '#5a1f2a';
      ctx.beginPath();
      ctx.ellipse(200, 242 + h / 3, w, h, 0, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#d9707a';
      ctx.beginPath();
      ctx.ellipse(200, 242 + h * 0.9, w * 0.6, h * 0.35, 0, 0, Math.PI * 2);
      ctx.fill();
      ctx.strokeStyle = p.lips;
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.ellipse(200, 242 + h / 3, w, h, 0, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.restore();

    // Thinking: three dots that pulse beside the head.
    if (this.state === 'thinking') {
      for (let i = 0; i < 3; i++) {
        const alpha = 0.35 + 0.65 * Math.max(0, Math.sin(now / 220 - i * 0.9));
        ctx.fillStyle = `rgba(120, 120, 140, ${alpha.toFixed(2)})`;
        ctx.beginPath();
        ctx.arc(306 + i * 18, 96 - i * 6, 5 + i, 0, Math.PI * 2);
        ctx.fill();
      }
    }
  }
}

function readPalette(element: HTMLElement): Palette {
  const style = getComputedStyle(element);
  const pick = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    skin: pick('--dh-avatar-skin', DEFAULT_PALETTE.skin),
    skinShade: pick('--dh-avatar-skin-shade', DEFAULT_PALETTE.skinShade),
    hair: pick('--dh-avatar-hair', DEFAULT_PALETTE.hair),
    shirt: pick('--dh-avatar-shirt', DEFAULT_PALETTE.shirt),
    lips: pick('--dh-avatar-lips', DEFAULT_PALETTE.lips),
    eyes: pick('--dh-avatar-eyes', DEFAULT_PALETTE.eyes),
    cheeks: pick('--dh-avatar-cheeks', DEFAULT_PALETTE.cheeks),
  };
}
