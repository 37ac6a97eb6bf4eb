// The default pack's mouths (make-pack.mjs): one lip model drawn in every shape the avatar needs, the Oculus
// visemes with the features the player matches audio against, and two expressions.
import { C, CX, f, MOUTH_BOX, svg } from './art.mjs';

// ---------- mouths: one lip model, one shape per viseme ----------
const MOUTH_Y = 414;
/** What shows through an open mouth, clipped to the opening: the dark inside, the tongue, the teeth. */
function mouthInside({ opening, tongue, teeth, hw, L, gap, innerTop, innerBot }) {
  const parts = [`<path fill="${C.mouthIn}" d="${opening}"/>`];
  if (tongue === 'low')
    parts.push(`<ellipse cx="${CX}" cy="${f(innerBot + 2)}" rx="${f(hw * 0.6)}" ry="${f(Math.max(2, gap * 0.3))}" fill="${C.tongue}"/>`);
  if (tongue === 'up')
    parts.push(`<ellipse cx="${CX}" cy="${f(innerTop + gap * 0.55)}" rx="${f(hw * 0.55)}" ry="${f(gap * 0.45)}" fill="${C.tongue}"/>`);
  if (teeth === 'upper' || teeth === 'both') {
    parts.push(
      `<rect x="${f(L + 4)}" y="${f(innerTop - 4)}" width="${f(2 * hw - 8)}" height="${f(Math.min(7.5, gap * 0.45) + 4)}" ` +
        `rx="3" fill="${C.teeth}"/>`,
    );
  }
  if (teeth === 'both')
    parts.push(
      `<rect x="${f(L + 8)}" y="${f(innerBot - Math.min(5, gap * 0.3))}" width="${f(2 * hw - 16)}" height="8" rx="3" ` +
        `fill="${C.teeth}" opacity="0.92"/>`,
    );
  if (tongue === 'tip')
    parts.push(`<ellipse cx="${CX}" cy="${f(innerTop + gap * 0.62)}" rx="${f(hw * 0.45)}" ry="${f(gap * 0.42)}" fill="${C.tongue}"/>`);
  return `<g clip-path="url(#open)">${parts.join('')}</g>`;
}

/**
 * open: jaw opening 0..1; width: relative mouth width; round: lip rounding/protrusion 0..1; smile: corner lift
 * in px; teeth: show upper (and lower) teeth; tongue: 'none' | 'low' | 'tip' (between the teeth) | 'up';
 * press: lips pressed together (thinner); bite: lower lip tucked under the upper teeth.
 */
export function mouth({ open = 0, width = 1, round = 0, smile = 2, teeth = 'upper', tongue = 'low', press = 0, bite = false }) {
  const hw = 31 * width * (1 - 0.32 * round);
  const cy = MOUTH_Y - smile * 0.3;
  const L = CX - hw;
  const R = CX + hw;
  const cornerY = MOUTH_Y - smile;
  const gap = 26 * open; // inner opening height
  const innerTop = cy - gap * 0.28;
  const innerBot = cy + gap * 0.72;
  const upperThick = (8.5 - press * 4) * (1 + round * 0.25);
  const lowerThick = (8 - press * 3.5) * (1 + round * 0.3);
  const bowDip = 2.5;
  const ow = hw * (round > 0.4 ? 0.9 : 1);
  // Outer contours.
  const upperOuter =
    `M${f(L)},${f(cornerY)} ` +
    `C${f(L + ow * 0.35)},${f(innerTop - upperThick * 0.6)} ` +
    `${f(CX - 14)},${f(innerTop - upperThick - 1)} ${f(CX - 6)},${f(innerTop - upperThick - 1.5)} ` +
    `C${f(CX - 3)},${f(innerTop - upperThick - 1.5)} ${f(CX - 1.5)},${f(innerTop - upperThick + bowDip - 1.5)} ` +
    `${CX},${f(innerTop - upperThick + bowDip - 1)} ` +
    `C${f(CX + 1.5)},${f(innerTop - upperThick + bowDip - 1.5)} ${f(CX + 3)},${f(innerTop - upperThick - 1.5)} ` +
    `${f(CX + 6)},${f(innerTop - upperThick - 1.5)} ` +
    `C${f(CX + 14)},${f(innerTop - upperThick - 1)} ${f(R - ow * 0.35)},${f(innerTop - upperThick * 0.6)} ${f(R)},${f(cornerY)}`;
  const innerTopCurve = (dir) =>
    dir > 0
      ? `C${f(R - hw * 0.3)},${f(innerTop + (open > 0.05 ? -1 : 1))} ${f(CX + hw * 0.4)},${f(innerTop)} ${CX},${f(innerTop)} ` +
        `C${f(CX - hw * 0.4)},${f(innerTop)} ${f(L + hw * 0.3)},${f(innerTop + (open > 0.05 ? -1 : 1))} ${f(L)},${f(cornerY)}`
      : '';
  const lowerOuterBack =
    `C${f(R - ow * 0.25)},${f(innerBot + lowerThick + 2)} ${f(CX + 10)},${f(innerBot + lowerThick + 3)} ` +
    `${CX},${f(innerBot + lowerThick + 3)} ` +
    `C${f(CX - 10)},${f(innerBot + lowerThick + 3)} ${f(L + ow * 0.25)},${f(innerBot + lowerThick + 2)} ${f(L)},${f(cornerY)} Z`;

  const upperLip = `${upperOuter} ${innerTopCurve(1)} Z`;
  const opening =
    `M${f(L)},${f(cornerY)} ` +
    `C${f(L + hw * 0.3)},${f(innerTop - 1)} ${f(CX - hw * 0.4)},${f(innerTop)} ${CX},${f(innerTop)} ` +
    `C${f(CX + hw * 0.4)},${f(innerTop)} ${f(R - hw * 0.3)},${f(innerTop - 1)} ${f(R)},${f(cornerY)} ` +
    `C${f(R - hw * 0.3)},${f(innerBot)} ${f(CX + hw * 0.45)},${f(innerBot + 1)} ${CX},${f(innerBot + 1)} ` +
    `C${f(CX - hw * 0.45)},${f(innerBot + 1)} ${f(L + hw * 0.3)},${f(innerBot)} ${f(L)},${f(cornerY)} Z`;
  // Lower lip goes from the left corner along the inner edge to the right corner, then back along the outer edge.
  const lowerLip =
    `M${f(L)},${f(cornerY)} ` +
    `C${f(L + hw * 0.3)},${f(innerBot)} ${f(CX - hw * 0.45)},${f(innerBot + 1)} ${CX},${f(innerBot + 1)} ` +
    `C${f(CX + hw * 0.45)},${f(innerBot + 1)} ${f(R - hw * 0.3)},${f(innerBot)} ${f(R)},${f(cornerY)} ${lowerOuterBack}`;

  const inside = gap > 1.2 ? mouthInside({ opening, tongue, teeth, hw, L, gap, innerTop, innerBot }) : '';
  const upperFill = bite ? C.lipUpper : 'url(#lipU)';
  const lowerShape = bite
    ? // Lower lip drawn up under the upper teeth: a flatter, thinner band.
      `<path fill="url(#lipL)" d="M${f(L + 2)},${f(cornerY + 1)} ` +
      `C${f(L + hw * 0.3)},${f(innerBot - 1)} ${f(R - hw * 0.3)},${f(innerBot - 1)} ${f(R - 2)},${f(cornerY + 1)} ` +
      `C${f(R - hw * 0.3)},${f(innerBot + 9)} ${f(L + hw * 0.3)},${f(innerBot + 9)} ${f(L + 2)},${f(cornerY + 1)} Z"/>`
    : `<path fill="url(#lipL)" d="${lowerLip}"/>`;
  const seam =
    gap <= 1.2
      ? `<path fill="none" stroke="${C.lipLine}" stroke-width="2" stroke-linecap="round" d="M${f(L + 1)},${f(cornerY)} ` +
        `C${f(L + hw * 0.35)},${f(cy + 1.5)} ${f(R - hw * 0.35)},${f(cy + 1.5)} ${f(R - 1)},${f(cornerY)}"/>`
      : '';
  const dimples =
    `<path fill="none" stroke="${C.skinShade}" stroke-width="1.6" stroke-linecap="round" ` +
    `opacity="${smile > 3 ? 0.45 : 0}" d="M${f(L - 4)},${f(cornerY - 3)} ` +
    `C${f(L - 7)},${f(cornerY)} ${f(L - 6)},${f(cornerY + 4)} ${f(L - 3)},${f(cornerY + 6)} M${f(R + 4)},${f(cornerY - 3)} ` +
    `C${f(R + 7)},${f(cornerY)} ${f(R + 6)},${f(cornerY + 4)} ${f(R + 3)},${f(cornerY + 6)}"/>`;
  const highlight =
    `<ellipse cx="${CX + 3}" cy="${f(innerBot + lowerThick * 0.45)}" rx="${f(hw * 0.32)}" ` +
    `ry="${f(Math.max(1.2, lowerThick * 0.18))}" fill="#ffffff" opacity="0.28"/>`;
  return svg(
    MOUTH_BOX,
    `${inside}${lowerShape}<path fill="${upperFill}" d="${upperLip}"/>${seam}${bite ? '' : highlight}${dimples}`,
    `<clipPath id="open"><path d="${opening}"/></clipPath>
<linearGradient id="lipU" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${C.lipUpper}"/><stop offset="1" ` +
      `stop-color="#a44c53"/></linearGradient>
<linearGradient id="lipL" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#b85f63"/><stop offset="1" ` +
      `stop-color="${C.lipLower}"/></linearGradient>`,
  );
}

/** Oculus viseme set + two expressions. Features: open (jaw), wide (spread), round (pucker). */
export const VISEMES = {
  sil: { shape: { open: 0, smile: 3 }, features: [0, 0.3, 0] },
  PP: { shape: { open: 0, press: 1, smile: 1, width: 0.96 }, features: [0.05, 0.2, 0.2] },
  FF: { shape: { open: 0.28, bite: true, teeth: 'upper', tongue: 'none', smile: 1, width: 1.02 }, features: [0.15, 0.45, 0] },
  TH: { shape: { open: 0.38, teeth: 'upper', tongue: 'tip', smile: 1 }, features: [0.3, 0.4, 0.1] },
  DD: { shape: { open: 0.42, teeth: 'both', tongue: 'up', smile: 1.5 }, features: [0.35, 0.45, 0.1] },
  kk: { shape: { open: 0.55, teeth: 'upper', tongue: 'low', smile: 1 }, features: [0.45, 0.5, 0.05] },
  CH: { shape: { open: 0.32, teeth: 'both', tongue: 'none', round: 0.5, width: 1 }, features: [0.25, 0.15, 0.6] },
  SS: { shape: { open: 0.2, teeth: 'both', tongue: 'none', width: 1.08, smile: 2 }, features: [0.15, 0.8, 0] },
  nn: { shape: { open: 0.3, teeth: 'upper', tongue: 'up', smile: 1 }, features: [0.22, 0.4, 0.15] },
  RR: { shape: { open: 0.36, teeth: 'upper', tongue: 'low', round: 0.55, width: 0.98 }, features: [0.3, 0.2, 0.55] },
  aa: { shape: { open: 1, teeth: 'upper', tongue: 'low', width: 1.04, smile: 1 }, features: [1, 0.5, 0.1] },
  E: { shape: { open: 0.62, teeth: 'upper', tongue: 'low', width: 1.1, smile: 2.5 }, features: [0.6, 0.8, 0] },
  I: { shape: { open: 0.42, teeth: 'both', tongue: 'low', width: 1.12, smile: 3 }, features: [0.4, 1, 0] },
  O: { shape: { open: 0.72, teeth: 'none', tongue: 'low', round: 0.85 }, features: [0.7, 0.1, 0.85] },
  U: { shape: { open: 0.34, teeth: 'none', tongue: 'none', round: 1, width: 0.95 }, features: [0.3, 0, 1] },
};
export const EXPRESSIONS = {
  smile: { open: 0.08, smile: 6, width: 1.08, teeth: 'upper', tongue: 'none' },
  hmm: { open: 0, smile: -0.5, width: 0.92, press: 0.5 },
};
