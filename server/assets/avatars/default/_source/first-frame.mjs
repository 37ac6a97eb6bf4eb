// The default pack's pre-composited first frame (make-pack.mjs calls it after writing the SVG parts): the idle pose's
// layers flattened into one raster picture, and each backdrop as a raster picture. Raster pictures decode off the
// page's main thread, where every SVG part is a document that Blink parses, lays out and rasterises on it; the SDK
// draws these first and brings the layered parts in after ready (docs/avatars.md, "firstFrame").
// Composited in Chromium, exactly as the SDK's painter stacks the layers with no motion, so that nothing jumps when
// the layers replace the picture; e2e/avatar-first-frame.spec.ts fails when the pictures are out of step with the parts.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { launchChromium } from '../../../../../scripts/chromium.mjs';

/**
 * Device pixels per design unit of each size made (manifest `firstFrame.scales`): 1 for a widget on a desktop page, 2
 * sharp up to a 2:3 avatar 430 CSS px wide at DPR 3 (a phone), or a 1080×1920 kiosk.
 */
export const FIRST_FRAME_SCALES = [1, 2];
const QUALITY = 0.9;
/** Smooth gradients show WebP's blocks at the figure's quality: the backdrops get more (22 KB each, not 11). */
const BACKDROP_QUALITY = 0.95;
const ORIGIN = 'http://pack.invalid';
const TYPES = { '.svg': 'image/svg+xml', '.png': 'image/png', '.webp': 'image/webp', '.html': 'text/html' };

/** The box around every layer of the idle pose, in design coordinates (the figure picture covers it). */
export function figureBox(layers) {
  const x = Math.min(...layers.map((l) => l.box[0]));
  const y = Math.min(...layers.map((l) => l.box[1]));
  const right = Math.max(...layers.map((l) => l.box[0] + l.box[2]));
  const bottom = Math.max(...layers.map((l) => l.box[1] + l.box[3]));
  return [x, y, right - x, bottom - y];
}

/** Writes the pictures the manifest's `firstFrame` names, composited from the SVG parts already in `dir`. */
export async function writeFirstFrame(dir, manifest) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const file = new URL(route.request().url()).pathname.slice(1) || 'index.html';
      if (file === 'index.html') return route.fulfill({ contentType: TYPES['.html'], body: '<!doctype html>' });
      return route.fulfill({ contentType: TYPES[extname(file)], body: readFileSync(join(dir, file)) });
    });
    await page.goto(`${ORIGIN}/`);
    const [first, ...larger] = manifest.firstFrame.scales;
    for (const scale of [first, ...larger]) {
      const pictures = await page.evaluate(compose, { manifest, scale, quality: QUALITY, backdropQuality: BACKDROP_QUALITY });
      for (const [file, dataUrl] of Object.entries(pictures)) {
        // The SDK's naming (avatar-pack.ts, firstFramePictures): the first scale's as named, the others with `-<scale>x`.
        const named = scale === first ? file : file.replace(/(\.\w+)$/, `-${scale}x$1`);
        mkdirSync(join(dir, named, '..'), { recursive: true });
        writeFileSync(join(dir, named), Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
      }
    }
  } finally {
    await browser.close();
  }
}

/** In the page: the idle pose's layers over a transparent canvas, and each backdrop, as WebP data URLs by file name. */
async function compose({ manifest, scale, quality, backdropQuality }) {
  const load = async (src) => {
    const image = new Image();
    image.src = src;
    await image.decode();
    return image;
  };
  const idle = manifest.poses.idle;
  const srcOf = (layer) => {
    if (layer.role === 'eyelids') return layer.frames.open;
    if (layer.role === 'mouth') {
      const viseme = layer.visemes[idle.mouth];
      return viseme ? (typeof viseme === 'string' ? viseme : viseme.src) : layer.expressions[idle.mouth];
    }
    return idle.layers?.[layer.id] ?? layer.src;
  };
  const { firstFrame } = manifest;
  const [x, y, w, h] = firstFrame.box;
  const figure = document.createElement('canvas');
  figure.width = Math.round(w * scale);
  figure.height = Math.round(h * scale);
  const ctx = figure.getContext('2d');
  for (const layer of manifest.layers) {
    const image = await load(srcOf(layer));
    ctx.setTransform(scale, 0, 0, scale, -x * scale, -y * scale);
    ctx.save();
    if (layer.role === 'iris' && layer.clip) ctx.clip(new Path2D(layer.clip));
    ctx.drawImage(image, ...layer.box);
    ctx.restore();
  }
  const out = { [firstFrame.src]: figure.toDataURL('image/webp', quality) };
  const backdrops = [
    [manifest.background?.src, firstFrame.background?.src],
    [manifest.background?.dark, firstFrame.background?.dark],
  ];
  for (const [svg, picture] of backdrops) {
    if (!svg || !picture) continue;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(manifest.size.width * scale);
    canvas.height = Math.round(manifest.size.height * scale);
    canvas.getContext('2d').drawImage(await load(svg), 0, 0, canvas.width, canvas.height);
    out[picture] = canvas.toDataURL('image/webp', backdropQuality);
  }
  return out;
}
