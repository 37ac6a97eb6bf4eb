/**
 * The avatar's backdrop on a canvas of its own under the animated one: a picture changes rarely (a pack's backdrop, a
 * first frame's, the dark variant), so it is drawn once per picture and size, not every frame.
 */
import { drawCover, type PictureSource } from './pack-pictures.js';

export class BackdropCanvas {
  readonly canvas: HTMLCanvasElement;
  /** The picture the canvas holds (undefined: none, the canvas is clear). */
  private shown: PictureSource | undefined;

  constructor() {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'background';
    this.canvas.setAttribute('aria-hidden', 'true');
  }

  /** Shows `found` covering `width`×`height`; a video is left to the frame loop, which draws it every frame. */
  show(found: PictureSource | undefined, width: number, height: number): void {
    const canvas = this.canvas;
    const source = found instanceof HTMLVideoElement ? undefined : found;
    const w = source ? width : 1;
    const h = source ? height : 1;
    // Drawing a vector backdrop at full size is a large part of a first frame: never twice for the same picture and size.
    if (this.shown === source && canvas.width === w && canvas.height === h) return;
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    if (source) drawCover(ctx, source, w, h);
    this.shown = source;
  }

  remove(): void {
    this.canvas.remove();
    this.shown = undefined;
  }
}
