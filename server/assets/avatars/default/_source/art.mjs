// The drawing kit of the default pack (make-pack.mjs): the design canvas, the palette, the boxes of the parts,
// and small helpers to write SVG (mirrored halves, rounded numbers) into the pack folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const W = 600;
export const H = 900;
export const CX = 300;

export const C = {
  skin: '#f3c6a3',
  skinLight: '#f8d5b8',
  skinEdge: '#e6ad88',
  skinShade: '#d69574',
  skinDeep: '#b9765a',
  lid: '#eab894',
  hair: '#3b2620',
  hairDark: '#261713',
  hairLight: '#6b4636',
  blazer: '#223152',
  blazerDark: '#172340',
  blazerLight: '#34476f',
  shirt: '#f6f7fa',
  shirtShade: '#d9dee8',
  lipUpper: '#b65a5f',
  lipLower: '#c96e6f',
  lipLine: '#7e3139',
  mouthIn: '#4b1d25',
  teeth: '#fbf9f4',
  tongue: '#d77a7f',
  sclera: '#fbf8f5',
  iris: '#6a4128',
  irisDark: '#3b2316',
  lash: '#24150f',
  brow: '#3f2a22',
};

export const svg = (box, body, defs = '') =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box.join(' ')}" width="${box[2]}" height="${box[3]}">` +
  (defs ? `<defs>${defs}</defs>` : '') +
  body +
  '</svg>\n';
export const f = (n) => +n.toFixed(2);
/** Mirrors a path written for the left half (x < 300) onto the right half. */
export const mirror = (d) => d.replace(/(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)/g, (_, x, y) => `${f(2 * CX - Number(x))},${y}`);
export const write = (name, text) => {
  const file = join(OUT, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

// ---------- boxes (design coordinates, 600×900) ----------
export const FULL = [0, 0, W, H];
// Tight boxes for the big parts: a frame composites fewer pixels (what matters on a kiosk without a GPU).
export const HAIR_BACK_BOX = [140, 100, 320, 444];
export const BODY_BOX = [36, 410, 528, 490];
export const HEAD_BOX = [164, 156, 272, 336];
export const HAIR_FRONT_BOX = [150, 130, 300, 400];
export const EYES_BOX = [214, 290, 172, 52];
export const BROWS_BOX = [206, 262, 188, 40];
export const MOUTH_BOX = [240, 376, 120, 84];
