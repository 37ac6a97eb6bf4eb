/** The plain face drawn when an avatar pack cannot be loaded, so a broken pack never leaves an empty box. */
import type { AvatarState } from './avatar-surface.js';

export interface Palette {
  skin: string;
  skinShade: string;
  hair: string;
  shirt: string;
  lips: string;
  eyes: string;
  cheeks: string;
}

export const DEFAULT_PALETTE: Palette = {
  skin: '#f3c9a7',
  skinShade: '#e0ab88',
  hair: '#3b2a25',
  shirt: '#4f46e5',
  lips: '#b4505a',
  eyes: '#2b2230',
  cheeks: 'rgba(236, 120, 120, 0.28)',
};

const DESIGN_W = 400;
const DESIGN_H = 440;

export interface FallbackFrame {
  now: number;
  state: AvatarState;
  mouth: number;
  lid: number;
  look: { x: number; y: number };
  palette: Palette;
}

/** Draws the fallback face into the whole canvas (`cssWidth`×`cssHeight` CSS pixels). */
export function drawFallbackFace(ctx: CanvasRenderingContext2D, cssWidth: number, cssHeight: number, frame: FallbackFrame): void {
  const { now, state, mouth, lid, look, palette } = frame;
  const canvas = ctx.canvas;
  const dpr = canvas.width / cssWidth;
  const scale = Math.min(cssWidth / DESIGN_W, cssHeight / DESIGN_H) * dpr;
  ctx.setTransform(scale, 0, 0, scale, (canvas.width - DESIGN_W * scale) / 2, canvas.height - DESIGN_H * scale);
  const p = palette;
  const breathe = Math.sin(now / 700) * 1.6;
  const sway = Math.sin(now / 1900) * (state === 'speaking' ? 0.022 : 0.012) + (state === 'listening' ? 0.04 : 0);

  drawShoulders(ctx, p, breathe);
  ctx.save();
  ctx.translate(200, 250 + breathe * 0.6);
  ctx.rotate(sway);
  ctx.translate(-200, -250);
  drawHead(ctx, p);
  drawBrows(ctx, p, state, mouth);
  drawEyes(ctx, p, lid, look);
  drawNose(ctx, p);
  drawMouth(ctx, p, mouth);
  ctx.restore();
  if (state === 'thinking') drawThinkingDots(ctx, now);
}

/** Shoulders and neck. */
function drawShoulders(ctx: CanvasRenderingContext2D, p: Palette, breathe: number): void {
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
}

/** The head without its features: hair, ears, face, fringe, cheeks. */
function drawHead(ctx: CanvasRenderingContext2D, p: Palette): void {
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
}

/** Brows: raised while thinking or speaking loudly. */
function drawBrows(ctx: CanvasRenderingContext2D, p: Palette, state: AvatarState, mouth: number): void {
  const browLift = (state === 'thinking' ? 5 : 0) + mouth * 3;
  ctx.strokeStyle = p.hair;
  ctx.lineWidth = 5;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(154, 160 - browLift);
  ctx.quadraticCurveTo(170, 152 - browLift, 186, 158 - browLift);
  ctx.moveTo(214, 158 - browLift);
  ctx.quadraticCurveTo(230, 152 - browLift, 246, 160 - browLift);
  ctx.stroke();
}

/** Eyes. */
function drawEyes(ctx: CanvasRenderingContext2D, p: Palette, lid: number, look: { x: number; y: number }): void {
  for (const x of [170, 230]) {
    ctx.fillStyle = '#ffffff';
    ctx.beginPath();
    ctx.ellipse(x, 188, 13, 11 * lid, 0, 0, Math.PI * 2);
    ctx.fill();
    if (lid > 0.25) {
      ctx.fillStyle = p.eyes;
      ctx.beginPath();
      ctx.ellipse(x + look.x, 188 + look.y, 7, 8 * lid, 0, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.beginPath();
      ctx.arc(x + look.x + 2.5, 185 + look.y, 2.2, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.strokeStyle = p.eyes;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.ellipse(x, 188, 13, 11 * lid, 0, Math.PI * 1.08, Math.PI * 1.92);
    ctx.stroke();
  }
}

/** Nose. */
function drawNose(ctx: CanvasRenderingContext2D, p: Palette): void {
  ctx.strokeStyle = p.skinShade;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(200, 200);
  ctx.quadraticCurveTo(194, 216, 202, 220);
  ctx.stroke();
}

/** Mouth: a smile at rest, an opening that follows the audio. */
function drawMouth(ctx: CanvasRenderingContext2D, p: Palette, mouth: number): void {
  if (mouth < 0.04) {
    ctx.strokeStyle = p.lips;
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.moveTo(182, 240);
    ctx.quadraticCurveTo(200, 251, 218, 240);
    ctx.stroke();
  } else {
    const w = 20 - mouth * 4;
    const h = 3 + mouth * 17;
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
}

/** Thinking: three dots that pulse beside the head. */
function drawThinkingDots(ctx: CanvasRenderingContext2D, now: number): void {
  for (let i = 0; i < 3; i++) {
    const alpha = 0.35 + 0.65 * Math.max(0, Math.sin(now / 220 - i * 0.9));
    ctx.fillStyle = `rgba(120, 120, 140, ${alpha.toFixed(2)})`;
    ctx.beginPath();
    ctx.arc(306 + i * 18, 96 - i * 6, 5 + i, 0, Math.PI * 2);
    ctx.fill();
  }
}

export function readPalette(element: HTMLElement): Palette {
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
