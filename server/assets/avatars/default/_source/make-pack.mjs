#!/usr/bin/env node
// Writes the default avatar pack ("Mia", a friendly presenter) as layered SVG parts plus manifest.json.
// The art is code so that both halves of the face stay symmetric and every viseme shares one lip model.
// Then composites the idle pose's first frame into raster pictures in Chromium (first-frame.mjs).
// Run: node server/assets/avatars/default/_source/make-pack.mjs   (the output is committed; the server
// never runs this, and paths starting with "_" are not served).
import {
  BODY_BOX,
  BROWS_BOX,
  C,
  CX,
  EYES_BOX,
  FULL,
  H,
  HAIR_BACK_BOX,
  HAIR_FRONT_BOX,
  HEAD_BOX,
  mirror,
  MOUTH_BOX,
  OUT,
  svg,
  W,
  write,
} from './art.mjs';
import { FIRST_FRAME_SCALES, figureBox, writeFirstFrame } from './first-frame.mjs';
import { EXPRESSIONS, mouth, VISEMES } from './mouth.mjs';

// ---------- background (optional; drawn only with useDefaultBackground) ----------
write(
  'background.svg',
  svg(
    FULL,
    `<rect width="600" height="900" fill="url(#bg)"/>
<rect x="0" y="610" width="600" height="290" fill="url(#floor)"/>
<circle cx="96" cy="210" r="70" fill="#ffffff" opacity="0.35"/>
<circle cx="520" cy="150" r="96" fill="#ffffff" opacity="0.28"/>
<circle cx="470" cy="420" r="44" fill="#dbe7f6" opacity="0.6"/>
<circle cx="110" cy="520" r="58" fill="#d6e2f3" opacity="0.55"/>
<rect x="0" y="0" width="600" height="900" fill="url(#vignette)"/>`,
    `<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#eef3f9"/><stop offset="0.6" ` +
      `stop-color="#dde6f1"/><stop offset="1" stop-color="#c9d5e4"/></linearGradient>
<linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#c9d5e4" stop-opacity="0"/><stop ` +
      `offset="1" stop-color="#b6c4d8"/></linearGradient>
<radialGradient id="vignette" cx="0.5" cy="0.42" r="0.75"><stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop ` +
      `offset="1" stop-color="#1d2a44" stop-opacity="0.16"/></radialGradient>`,
  ),
);

// ---------- hair behind the head (bob, ends at the jaw) ----------
write(
  'hair-back.svg',
  svg(
    HAIR_BACK_BOX,
    `<path fill="url(#hb)" d="M300,112 C404,108 458,186 452,298 C448,380 454,452 444,516 C424,538 388,536 366,516 C356,500 ` +
      `350,484 344,468 L256,468 C250,484 244,500 234,516 C212,536 176,538 156,516 C146,452 152,380 148,298 C142,186 196,108 ` +
      `300,112 Z"/>`,
    `<linearGradient id="hb" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${C.hair}"/><stop offset="1" ` +
      `stop-color="${C.hairDark}"/></linearGradient>`,
  ),
);

// ---------- body: neck, shirt, blazer ----------
const leftBlazer = 'M40,950 L46,742 C52,684 92,650 160,632 C204,620 236,604 258,584 L262,600 L300,812 L300,950 Z';
const leftLapel = 'M258,586 L300,812 L276,790 L216,700 L234,682 L208,668 C214,640 236,612 258,586 Z';
const leftCollar = 'M262,566 L300,646 L286,656 L236,612 Z';
write(
  'body.svg',
  svg(
    BODY_BOX,
    `<path fill="url(#neck)" d="M257,420 L343,420 C343,470 346,520 356,560 L300,640 L244,560 C254,520 257,470 257,420 Z"/>
<path fill="${C.skinShade}" opacity="0.5" d="M257,446 C280,484 320,484 343,446 L345,492 C320,512 280,512 255,492 Z"/>
<g transform="translate(0,-34)">
<path fill="${C.shirt}" d="M248,594 L300,664 L352,594 L362,640 L300,830 L238,640 Z"/>
<path fill="${C.shirtShade}" d="M300,664 L306,700 L300,830 L294,700 Z" opacity="0.7"/>
<path fill="${C.blazer}" d="${leftBlazer}"/>
<path fill="${C.blazer}" d="${mirror(leftBlazer)}"/>
<path fill="url(#shoulderL)" d="${leftBlazer}"/>
<path fill="url(#shoulderR)" d="${mirror(leftBlazer)}"/>
<path fill="${C.blazerDark}" d="M300,812 L300,950 L296,950 L296,816 Z"/>
<path fill="${C.blazerLight}" d="${leftLapel}"/>
<path fill="${C.blazerLight}" d="${mirror(leftLapel)}"/>
<path fill="none" stroke="${C.blazerDark}" stroke-width="2" d="M300,812 L258,586 M300,812 L342,586 M216,700 L234,682 M384,700 L366,682"/>
<path fill="${C.shirt}" d="${leftCollar}"/>
<path fill="${C.shirt}" d="${mirror(leftCollar)}"/>
<path fill="none" stroke="${C.shirtShade}" stroke-width="2" d="M262,566 L300,646 L338,566"/>
<circle cx="300" cy="846" r="6" fill="${C.blazerDark}"/>
<path fill="none" stroke="${C.blazerDark}" stroke-width="3" opacity="0.5" d="M120,940 C126,820 136,760 150,716 M480,940 ` +
      `C474,820 464,760 450,716"/>
<rect x="408" y="744" width="48" height="6" rx="2" fill="${C.blazerDark}" opacity="0.6"/></g>`,
    `<linearGradient id="neck" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${C.skinEdge}"/><stop offset="1" ` +
      `stop-color="${C.skin}"/></linearGradient>
<radialGradient id="shoulderL" cx="0.7" cy="0.05" r="0.9"><stop offset="0" stop-color="#ffffff" stop-opacity="0.12"/><stop ` +
      `offset="1" stop-color="#000000" stop-opacity="0.18"/></radialGradient>
<radialGradient id="shoulderR" cx="0.3" cy="0.05" r="0.9"><stop offset="0" stop-color="#ffffff" stop-opacity="0.12"/><stop ` +
      `offset="1" stop-color="#000000" stop-opacity="0.18"/></radialGradient>`,
  ),
);

// ---------- head: ears, face, nose, cheeks ----------
const face =
  'M300,166 C360,166 410,206 412,270 C414,318 410,352 402,386 C390,432 344,470 300,474 C256,470 210,432 198,386 C190,352 ' +
  '186,318 188,270 C190,206 240,166 300,166 Z';
const leftEar = 'M196,300 C178,292 170,312 174,334 C178,356 188,370 202,372 Z';
write(
  'head.svg',
  svg(
    HEAD_BOX,
    `<path fill="${C.skinEdge}" d="${leftEar}"/>
<path fill="${C.skinEdge}" d="${mirror(leftEar)}"/>
<path fill="none" stroke="${C.skinShade}" stroke-width="3" stroke-linecap="round" d="M192,312 C184,318 184,336 192,348 ` +
      `M408,312 C416,318 416,336 408,348"/>
<path fill="url(#face)" filter="url(#chin)" d="${face}"/>
<ellipse cx="236" cy="382" rx="28" ry="16" fill="url(#blush)"/>
<ellipse cx="364" cy="382" rx="28" ry="16" fill="url(#blush)"/>
<path fill="none" stroke="${C.skinShade}" stroke-width="2.5" stroke-linecap="round" opacity="0.55" d="M288,322 C286,344 280,356 282,368"/>
<path fill="${C.skinLight}" opacity="0.7" d="M300,330 C306,346 310,358 308,366 C302,368 298,368 294,366 C294,356 296,344 300,330 Z"/>
<path fill="none" stroke="${C.skinDeep}" stroke-width="2.6" stroke-linecap="round" opacity="0.75" d="M284,374 C290,383 310,383 316,374"/>
<ellipse cx="291" cy="375" rx="4.5" ry="2.6" fill="${C.skinDeep}" opacity="0.55"/>
<ellipse cx="309" cy="375" rx="4.5" ry="2.6" fill="${C.skinDeep}" opacity="0.55"/>
<path fill="none" stroke="${C.skinShade}" stroke-width="2" stroke-linecap="round" opacity="0.5" d="M290,392 C296,396 304,396 310,392"/>
<path fill="none" stroke="${C.skinShade}" stroke-width="2" stroke-linecap="round" opacity="0.45" d="M286,446 C294,450 306,450 314,446"/>`,
    `<radialGradient id="face" cx="0.5" cy="0.42" r="0.62"><stop offset="0" stop-color="${C.skinLight}"/><stop offset="0.62" ` +
      `stop-color="${C.skin}"/><stop offset="1" stop-color="${C.skinEdge}"/></radialGradient>
<filter id="chin" x="-0.1" y="-0.1" width="1.2" height="1.3"><feDropShadow dx="0" dy="7" stdDeviation="5" ` +
      `flood-color="#8a4a33" flood-opacity="0.35"/></filter>
<radialGradient id="blush"><stop offset="0" stop-color="#ec8f86" stop-opacity="0.42"/><stop offset="1" stop-color="#ec8f86" ` +
      `stop-opacity="0"/></radialGradient>`,
  ),
);

// ---------- eyes ----------
const EYE_Y = 318;
const EYE_L = 254;
/** Almond of the left eye (viewer's left); outer corner left, inner corner right. */
const eyeAlmond = (cx, cy) =>
  `M${cx - 26},${cy + 2} C${cx - 18},${cy - 13} ${cx + 10},${cy - 16} ${cx + 24},${cy + 1} ` +
  `C${cx + 12},${cy + 11} ${cx - 14},${cy + 12} ${cx - 26},${cy + 2} Z`;
const upperLid = (cx, cy) => `M${cx - 26},${cy + 2} C${cx - 18},${cy - 13} ${cx + 10},${cy - 16} ${cx + 24},${cy + 1}`;
const almonds = `${eyeAlmond(EYE_L, EYE_Y)} ${mirror(eyeAlmond(EYE_L, EYE_Y))}`;

write(
  'eyes/whites.svg',
  svg(
    EYES_BOX,
    `<path fill="url(#sclera)" d="${almonds}"/>`,
    `<linearGradient id="sclera" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#e3d3cc"/><stop offset="0.45" ` +
      `stop-color="${C.sclera}"/><stop offset="1" stop-color="#f1e9e5"/></linearGradient>`,
  ),
);
const iris = (cx) =>
  `<circle cx="${cx}" cy="${EYE_Y + 1}" r="12.5" fill="url(#iris)"/><circle cx="${cx}" cy="${EYE_Y + 1}" r="12.5" fill="none" ` +
  `stroke="${C.irisDark}" stroke-width="1.6"/>` +
  `<circle cx="${cx}" cy="${EYE_Y + 1}" r="5.4" fill="#160c08"/><circle cx="${cx + 4.5}" cy="${EYE_Y - 3.5}" r="3.2" ` +
  `fill="#ffffff" opacity="0.95"/><circle cx="${cx - 4}" cy="${EYE_Y + 5}" r="1.4" fill="#ffffff" opacity="0.6"/>`;
write(
  'eyes/iris.svg',
  svg(
    EYES_BOX,
    iris(EYE_L + 1) + iris(2 * CX - EYE_L - 1),
    `<radialGradient id="iris" cx="0.5" cy="0.55" r="0.55"><stop offset="0" stop-color="#9a6a45"/><stop offset="0.55" ` +
      `stop-color="${C.iris}"/><stop offset="1" stop-color="${C.irisDark}"/></radialGradient>`,
  ),
);

const lashLine = (d) => `<path fill="none" stroke="${C.lash}" stroke-width="3.6" stroke-linecap="round" d="${d}"/>`;
const wing = (cx, cy) => `M${cx - 25},${cy + 1} L${cx - 31},${cy - 3}`;
const crease = (cx, cy) => `M${cx - 22},${cy - 12} C${cx - 12},${cy - 22} ${cx + 10},${cy - 22} ${cx + 22},${cy - 8}`;
const lowerLid = (cx, cy) => `M${cx - 22},${cy + 6} C${cx - 10},${cy + 12} ${cx + 10},${cy + 12} ${cx + 20},${cy + 4}`;
const both = (make) => `${make(EYE_L, EYE_Y)} ${mirror(make(EYE_L, EYE_Y))}`;

write(
  'eyes/lids-open.svg',
  svg(
    EYES_BOX,
    `<path fill="none" stroke="${C.skinShade}" stroke-width="1.8" stroke-linecap="round" opacity="0.7" d="${both(crease)}"/>
<path fill="none" stroke="${C.skinShade}" stroke-width="1.4" stroke-linecap="round" opacity="0.45" d="${both(lowerLid)}"/>
${lashLine(both(upperLid))}${lashLine(both(wing))}`,
  ),
);
// Half-closed: skin covers the upper half; the lash line follows the lid's edge.
const halfLid = (cx, cy) =>
  `M${cx - 28},${cy + 3} C${cx - 18},${cy - 16} ${cx + 10},${cy - 19} ${cx + 26},${cy + 1} ` +
  `C${cx + 12},${cy + 4} ${cx - 14},${cy + 4} ${cx - 28},${cy + 3} Z`;
const halfEdge = (cx, cy) => `M${cx - 26},${cy + 3} C${cx - 14},${cy + 4} ${cx + 12},${cy + 4} ${cx + 24},${cy + 1}`;
write(
  'eyes/lids-half.svg',
  svg(
    EYES_BOX,
    `<path fill="${C.lid}" stroke="${C.lid}" stroke-width="2" d="${both(halfLid)}"/>
<path fill="none" stroke="${C.skinShade}" stroke-width="1.8" stroke-linecap="round" opacity="0.7" d="${both(crease)}"/>
${lashLine(both(halfEdge))}${lashLine(both(wing))}`,
  ),
);
const closedLid = (cx, cy) =>
  `M${cx - 28},${cy + 3} C${cx - 18},${cy - 16} ${cx + 10},${cy - 19} ${cx + 26},${cy + 1} ` +
  `C${cx + 12},${cy + 14} ${cx - 14},${cy + 15} ${cx - 28},${cy + 3} Z`;
const closedEdge = (cx, cy) => `M${cx - 26},${cy + 3} C${cx - 14},${cy + 12} ${cx + 12},${cy + 11} ${cx + 24},${cy + 2}`;
write(
  'eyes/lids-closed.svg',
  svg(
    EYES_BOX,
    `<path fill="${C.lid}" stroke="${C.lid}" stroke-width="2.5" d="${both(closedLid)}"/>
<path fill="none" stroke="${C.skinShade}" stroke-width="1.8" stroke-linecap="round" opacity="0.6" d="${both(crease)}"/>
${lashLine(both(closedEdge))}`,
  ),
);

// ---------- brows ----------
const leftBrow = 'M279,293 C268,282 248,276 230,282 C224,284 220,288 218,292 C228,288 246,286 262,290 C268,291 274,293 279,296 Z';
write('brows.svg', svg(BROWS_BOX, `<path fill="${C.brow}" d="${leftBrow}"/><path fill="${C.brow}" d="${mirror(leftBrow)}"/>`));

// ---------- front hair (side part, fringe swept to the left) ----------
write(
  'hair-front.svg',
  svg(
    HAIR_FRONT_BOX,
    `<path fill="url(#hf)" filter="url(#fringe)" d="M336,142 C390,146 428,188 430,252 C434,330 428,410 442,494 C424,506 ` +
      `404,504 394,490 C402,430 410,360 406,300 C402,254 384,224 352,206 C322,216 284,228 250,246 C230,258 214,276 206,302 ` +
      `C198,360 202,420 208,490 C196,504 176,504 160,494 C174,404 166,324 172,252 C180,180 248,136 336,142 Z"/>
<path fill="none" stroke="${C.hairLight}" stroke-width="3" stroke-linecap="round" opacity="0.55" d="M330,152 C290,160 248,184 ` +
      `222,228 M344,160 C318,176 286,196 258,222 M350,156 C384,170 404,200 414,250"/>
<path fill="none" stroke="${C.hairDark}" stroke-width="2" stroke-linecap="round" opacity="0.6" d="M336,146 C340,170 346,190 ` +
      `352,206 M186,300 C182,360 184,420 190,480 M416,300 C418,360 420,420 428,484"/>`,
    `<filter id="fringe" x="-0.1" y="-0.1" width="1.2" height="1.3"><feDropShadow dx="1" dy="4" stdDeviation="4" ` +
      `flood-color="#6b3a28" flood-opacity="0.4"/></filter><linearGradient id="hf" x1="0" y1="0" x2="0" y2="1"><stop ` +
      `offset="0" stop-color="#4a3028"/><stop offset="0.5" stop-color="${C.hair}"/><stop offset="1" ` +
      `stop-color="${C.hairDark}"/></linearGradient>`,
  ),
);

const visemeFiles = {};
for (const [name, { shape }] of Object.entries(VISEMES)) {
  write(`mouth/${name}.svg`, mouth(shape));
  visemeFiles[name] = { src: `mouth/${name}.svg`, features: VISEMES[name].features };
}
const expressionFiles = {};
for (const [name, shape] of Object.entries(EXPRESSIONS)) {
  write(`mouth/${name}.svg`, mouth(shape));
  expressionFiles[name] = `mouth/${name}.svg`;
}

// The dark-mode variant: the same scene at night, with a soft halo behind her head so the navy blazer and dark
// hair stand out from it.
write(
  'background-dark.svg',
  svg(
    FULL,
    `<rect width="600" height="900" fill="url(#bg)"/>
<rect width="600" height="900" fill="url(#halo)"/>
<rect x="0" y="610" width="600" height="290" fill="url(#floor)"/>
<circle cx="96" cy="210" r="70" fill="#5b6f93" opacity="0.12"/>
<circle cx="520" cy="150" r="96" fill="#5b6f93" opacity="0.1"/>
<circle cx="470" cy="420" r="44" fill="#7088b0" opacity="0.14"/>
<circle cx="110" cy="520" r="58" fill="#7088b0" opacity="0.12"/>`,
    `<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1b2433"/><stop offset="0.6" ` +
      `stop-color="#151c29"/><stop offset="1" stop-color="#0f141e"/></linearGradient>
<radialGradient id="halo" cx="0.5" cy="0.42" r="0.5"><stop offset="0" stop-color="#3b4d6b" stop-opacity="0.55"/><stop ` +
      `offset="1" stop-color="#3b4d6b" stop-opacity="0"/></radialGradient>
<linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#0f141e" stop-opacity="0"/><stop ` +
      `offset="1" stop-color="#0a0e15"/></linearGradient>`,
  ),
);

// ---------- manifest ----------
const manifest = {
  format: 'dhkit-avatar/1',
  id: 'default',
  name: 'Mia',
  description: 'Friendly professional presenter in a navy blazer. Vector art made for dhkit (Apache-2.0).',
  size: { width: W, height: H },
  fit: { mode: 'contain', align: 'bottom' },
  background: { src: 'background.svg', dark: 'background-dark.svg', fit: 'cover' },
  firstFrame: {
    src: 'first-frame/idle.webp',
    scales: FIRST_FRAME_SCALES,
    box: figureBox([HAIR_BACK_BOX, BODY_BOX, HEAD_BOX, EYES_BOX, BROWS_BOX, MOUTH_BOX, HAIR_FRONT_BOX].map((box) => ({ box }))),
    background: { src: 'first-frame/background.webp', dark: 'first-frame/background-dark.webp' },
  },
  pivots: { head: [300, 470], body: [300, 900] },
  layers: [
    { id: 'hair-back', src: 'hair-back.svg', box: HAIR_BACK_BOX, group: 'head' },
    { id: 'body', src: 'body.svg', box: BODY_BOX, group: 'body' },
    { id: 'head', src: 'head.svg', box: HEAD_BOX, group: 'head' },
    { id: 'eye-whites', src: 'eyes/whites.svg', box: EYES_BOX, group: 'head' },
    { id: 'iris', role: 'iris', src: 'eyes/iris.svg', box: EYES_BOX, group: 'head', clip: almonds },
    {
      id: 'eyelids',
      role: 'eyelids',
      box: EYES_BOX,
      group: 'head',
      frames: { open: 'eyes/lids-open.svg', half: 'eyes/lids-half.svg', closed: 'eyes/lids-closed.svg' },
    },
    { id: 'brows', role: 'brows', src: 'brows.svg', box: BROWS_BOX, group: 'head' },
    { id: 'mouth', role: 'mouth', box: MOUTH_BOX, group: 'head', visemes: visemeFiles, expressions: expressionFiles },
    { id: 'hair-front', src: 'hair-front.svg', box: HAIR_FRONT_BOX, group: 'head' },
  ],
  motion: {
    breathing: { periodMs: 4200, amplitude: 0.006 },
    sway: { degrees: 0.9, periodMs: 7300 },
    gaze: { rangeX: 3, rangeY: 1.6, intervalMs: [900, 3400] },
    blink: { intervalMs: [2200, 5600], durationMs: 170, doubleChance: 0.15 },
  },
  poses: {
    idle: { mouth: 'sil' },
    listening: { tilt: 2.6, nod: 1.5, gaze: [0, 0.6], brows: -2.5, mouth: 'smile' },
    thinking: { tilt: -2.4, gaze: [4.5, -3.4], brows: -4.5, mouth: 'hmm', indicator: true },
    speaking: { sway: 1.4 },
  },
};
write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
await writeFirstFrame(OUT, manifest);
console.log('default pack written to', OUT);
