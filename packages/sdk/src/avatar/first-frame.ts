/**
 * A pack's pre-composited first frame (manifest `firstFrame`, docs/avatars.md): the idle pose as one raster picture and
 * the backdrop as another, fetched and decoded off the main thread (createImageBitmap), where each SVG layer would be a
 * document to parse, lay out and rasterise on it. Drawn in the place the layers take, with no motion, until the layers
 * are in and take over from the same still pose.
 */
import { firstFramePictures, viewportScale, type AvatarPack, type BackdropShown, type PackFirstFrame } from './avatar-pack.js';
import type { PackFetcher } from './pack-fetcher.js';
import { fitPack } from './pack-painter.js';
import type { Logger } from '../core/logger.js';

export class FirstFramePicture {
  private constructor(
    private readonly frame: PackFirstFrame,
    private readonly figure: ImageBitmap,
    private readonly backdrop: BackdropShown,
    private readonly backdropPicture: ImageBitmap | undefined,
  ) {}

  /** The first frame for `pose` and `backdrop`; null when the pack has none for them, or a picture failed (logged). */
  static async load(
    fetcher: PackFetcher,
    pack: AvatarPack,
    pose: keyof AvatarPack['poses'],
    backdrop: BackdropShown,
    log: Pick<Logger, 'error'>,
  ) {
    const files = firstFramePictures(pack, pose, backdrop, viewportScale(pack));
    if (!files || !pack.firstFrame) return null;
    try {
      const [figure, backdropPicture] = await Promise.all(files.map((file) => fetcher.bitmap(pack, file)));
      return new FirstFramePicture(pack.firstFrame, figure, backdrop, backdropPicture);
    } catch (error) {
      log.error(`${error instanceof Error ? error.message : String(error)}; drawing the layers instead.`);
      return null;
    }
  }

  /** The backdrop's picture, while `backdrop` is the one it was loaded for. */
  backdropFor(backdrop: BackdropShown): ImageBitmap | undefined {
    return backdrop === this.backdrop ? this.backdropPicture : undefined;
  }

  /** Draws the idle pose where the pack's layers would be (the same fit), on a cleared canvas. */
  paint(ctx: CanvasRenderingContext2D, pack: AvatarPack): void {
    const { s, ox, oy } = fitPack(pack, ctx.canvas.width, ctx.canvas.height);
    const [x, y, w, h] = this.frame.box;
    ctx.setTransform(s, 0, 0, s, ox, oy);
    // The picture is made for large screens: scaled down, mipmapped smoothing keeps its thin lines as the layers draw them.
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.figure, x, y, w, h);
    ctx.imageSmoothingQuality = 'low';
  }
}
