/**
 * Fetches an avatar pack's manifest and pictures, each once: the first frame's files can be asked for early (while
 * admission runs, before the robot's pack is known for sure) and the real load then reuses what has arrived or is
 * on its way, instead of waiting for admission → manifest → pictures one after the other.
 */
import { firstFrameFiles, firstFramePictures, viewportScale, type AvatarPack, type BackdropShown } from './avatar-pack.js';
import { validatePack } from './pack-manifest.js';
import { DHKitError, httpStatusError } from '../core/errors.js';

export type PackSource = HTMLImageElement | HTMLVideoElement;

/**
 * First-frame pictures decoded, kept for the page's life (a few MB): a digital human created again on the page (a
 * framework's remount, "start again" in a new element) draws its first frame without decoding it again.
 */
const decodedBitmaps = new Map<string, Promise<ImageBitmap>>();

export class PackFetcher {
  private readonly manifests = new Map<string, Promise<AvatarPack>>();
  private readonly pictures = new Map<string, Promise<PackSource>>();

  manifest(url: string): Promise<AvatarPack> {
    let pending = this.manifests.get(url);
    if (!pending) {
      pending = fetch(url, { credentials: 'omit' }).then(async (response) => {
        if (!response.ok) throw httpStatusError(response.status, `avatar pack ${url}`);
        return validatePack(await response.json(), url);
      });
      this.manifests.set(url, pending);
    }
    return pending;
  }

  /** A file of `pack`, loaded and decoded. */
  file(pack: Pick<AvatarPack, 'baseUrl'>, file: string): Promise<PackSource> {
    const href = new URL(file, pack.baseUrl).href;
    let pending = this.pictures.get(href);
    if (!pending) {
      pending = loadSource(href);
      this.pictures.set(href, pending);
    }
    return pending;
  }

  /**
   * A raster picture of `pack` (a pre-composited first frame), fetched and decoded off the main thread: an `<img>`'s
   * picture may be decoded again on it when drawn to a canvas, an ImageBitmap is drawn as it is.
   */
  bitmap(pack: Pick<AvatarPack, 'baseUrl'>, file: string): Promise<ImageBitmap> {
    const href = new URL(file, pack.baseUrl).href;
    let pending = decodedBitmaps.get(href);
    if (!pending) {
      pending = fetch(href, { credentials: 'omit' })
        .then(async (response) => {
          if (!response.ok) throw httpStatusError(response.status, `avatar pack ${href}`);
          return createImageBitmap(await response.blob());
        })
        .catch((cause: unknown) => {
          decodedBitmaps.delete(href);
          throw new DHKitError('NETWORK_ERROR', `avatar pack: cannot load image ${href}`, { cause });
        });
      decodedBitmaps.set(href, pending);
    }
    return pending;
  }

  /**
   * Starts on a pack's manifest and first-frame pictures (pre-composited, or else its layers); failures are left for the
   * real load to report. `known`: pre-composited first-frame pictures of the pack (relative to it) known to be wanted
   * before its manifest says so, asked for at once beside it.
   */
  prefetch(url: string, pose: keyof AvatarPack['poses'], backdrop: BackdropShown, known: readonly string[] = []): void {
    const baseUrl = new URL('.', url).href;
    const manifest = this.manifest(url);
    // Behind the admission request create() has just started: it leaves once the once-code source's promise has
    // resolved (a microtask for a string), and it is the longer way to ready (admission, channel, welcome).
    void Promise.resolve()
      .then(() => undefined)
      .then(() => known.forEach((file) => this.bitmap({ baseUrl }, file).catch(() => {})));
    manifest.then(
      (pack) => {
        const pictures = firstFramePictures(pack, pose, backdrop, viewportScale(pack));
        if (pictures) pictures.forEach((file) => this.bitmap(pack, file).catch(() => {}));
        else firstFrameFiles(pack, pose, backdrop).forEach((file) => this.file(pack, file).catch(() => {}));
      },
      () => {},
    );
  }

  clear(): void {
    this.manifests.clear();
    this.pictures.clear();
  }
}

/** Loads a picture (decoded, CORS-clean so the canvas stays readable) or a looping muted video. */
function loadSource(url: string): Promise<PackSource> {
  if (/\.(webm|mp4)$/i.test(url)) {
    return new Promise((resolve, reject) => {
      const video = document.createElement('video');
      video.crossOrigin = 'anonymous';
      video.muted = true;
      video.loop = true;
      video.playsInline = true;
      video.preload = 'auto';
      video.onloadeddata = () => {
        video.play().catch(() => {});
        resolve(video);
      };
      video.onerror = () => reject(new DHKitError('NETWORK_ERROR', `avatar pack: cannot load video ${url}`));
      video.src = url;
    });
  }
  const image = new Image();
  image.crossOrigin = 'anonymous';
  image.decoding = 'async';
  image.src = url;
  return image.decode().then(
    () => image,
    (cause: unknown) => {
      throw new DHKitError('NETWORK_ERROR', `avatar pack: cannot load image ${url}`, { cause });
    },
  );
}
