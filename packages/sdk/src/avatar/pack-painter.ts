/**
 * Paints one frame of an avatar pack: its layers composited in the pack's design box fitted to the canvas, the
 * body breathing, the head swaying, tilting and nodding, the face as FaceMotion says, and the thinking dots.
 */
import type { AvatarPack, PackLayer, PackPose } from './avatar-pack.js';
import type { Viseme } from './avatar-surface.js';
import type { FaceContext, FaceMotion } from './face-motion.js';
import { drawCover, type PackPictures, type PictureSource } from './pack-pictures.js';

export interface PackFrame extends FaceContext {
  pack: AvatarPack;
  now: number;
  /** Milliseconds since the previous frame. */
  dt: number;
  /** The background in force, if shown: a video is drawn here (a picture lies on its own canvas underneath). */
  background: PictureSource | undefined;
  /** When the motion began (performance.now()): breathing and sway start from rest there. */
  motionStart: number;
}

/** Where the pack's design box lies on a canvas of `width`×`height`: its scale and offset in canvas pixels. */
export function fitPack(pack: AvatarPack, width: number, height: number): { s: number; ox: number; oy: number } {
  const fitScale = pack.fit.mode === 'cover' ? Math.max : Math.min;
  const s = fitScale(width / pack.width, height / pack.height);
  const ox = (width - pack.width * s) / 2;
  const oy = pack.fit.align === 'bottom' ? height - pack.height * s : (height - pack.height * s) / 2;
  return { s, ox, oy };
}

export function paintPack(ctx: CanvasRenderingContext2D, pictures: PackPictures, motion: FaceMotion, frame: PackFrame): void {
  const { pack, now } = frame;
  const canvas = ctx.canvas;
  const bg = frame.background;
  if (bg instanceof HTMLVideoElement && bg.readyState >= 2) drawCover(ctx, bg, canvas.width, canvas.height);
  const { s, ox, oy } = fitPack(pack, canvas.width, canvas.height);

  const pose: PackPose = pack.poses[frame.state];
  motion.easePose(pose, frame, frame.dt);
  const { breathing, sway } = pack.motion;
  const t = frame.still?.still ? 0 : now - frame.motionStart;
  const breath = Math.sin((2 * Math.PI * t) / breathing.periodMs) * breathing.amplitude;
  const swayDeg = Math.sin((2 * Math.PI * t) / sway.periodMs) * (sway.degrees + motion.pose.sway) + motion.pose.tilt;
  const nod = Math.sin((2 * Math.PI * t) / 1700) * motion.pose.nod;
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
    paintLayer(ctx, pictures, motion, layer, pose, s);
  }

  if (pose.indicator) {
    ctx.setTransform(s, 0, 0, s, ox, oy);
    paintThinkingDots(ctx, pack, now);
  }
}

function paintLayer(
  ctx: CanvasRenderingContext2D,
  pictures: PackPictures,
  motion: FaceMotion,
  layer: PackLayer,
  pose: PackPose,
  s: number,
) {
  const [x, y, w, h] = layer.box;
  switch (layer.role) {
    case 'image': {
      const src = pictures.loadedOr(pose.layers[layer.id], layer.src);
      const source = pictures.source(src);
      if (source instanceof HTMLVideoElement) {
        if (source.readyState >= 2) ctx.drawImage(source, x, y, w, h);
      } else pictures.blit(ctx, src, layer.box, s, 0, 0);
      break;
    }
    case 'iris': {
      const clip = pictures.clipOf(layer);
      if (clip) {
        ctx.save();
        ctx.clip(clip);
      }
      pictures.blit(ctx, layer.src, layer.box, s, motion.gaze.x, motion.gaze.y);
      if (clip) ctx.restore();
      break;
    }
    case 'eyelids': {
      const f = layer.frames;
      const lid = motion.lid;
      const frame = pictures.loadedOr(lid > 0.75 ? f.closed : lid > 0.3 ? (f.half ?? f.closed) : f.open, f.open);
      pictures.blit(ctx, frame, layer.box, s, 0, 0);
      break;
    }
    case 'brows':
      pictures.blit(ctx, layer.src, layer.box, s, 0, motion.pose.brows + motion.lid * 1.5);
      break;
    case 'mouth': {
      const srcOf = (name: string) =>
        pictures.loadedOr(layer.visemes[name as Viseme]?.src ?? layer.expressions[name], layer.visemes.sil.src);
      const fade = motion.mouthFade();
      if (fade.from) {
        pictures.blit(ctx, srcOf(fade.from), layer.box, s, 0, 0);
        ctx.globalAlpha = fade.mix;
        pictures.blit(ctx, srcOf(motion.mouthShape), layer.box, s, 0, 0);
        ctx.globalAlpha = 1;
      } else pictures.blit(ctx, srcOf(motion.mouthShape), layer.box, s, 0, 0);
      break;
    }
  }
}

/** The three pulsing dots beside the head while the digital human thinks. */
function paintThinkingDots(ctx: CanvasRenderingContext2D, pack: AvatarPack, now: number): void {
  const x = pack.width * 0.76;
  const y = pack.height * 0.2;
  for (let i = 0; i < 3; i++) {
    ctx.globalAlpha = 0.35 + 0.6 * Math.max(0, Math.sin(now / 220 - i * 0.9));
    ctx.fillStyle = '#64748b';
    ctx.beginPath();
    ctx.arc(x + i * pack.width * 0.035, y - i * pack.width * 0.012, pack.width * (0.009 + i * 0.002), 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}
