/** Root mean square of a block of samples. */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** Speech level below this is treated as silence (breath noise, dither). */
const NOISE_FLOOR = 0.006;
/** Level that opens the mouth fully; espeak-ng speech sits around 0.06 (median) .. 0.12 (p90) RMS. */
const FULL_OPEN = 0.2;

/** Maps an RMS level to a target mouth opening in 0..1 (gated, then square-root for a livelier mouth). */
export function mouthTarget(level: number): number {
  if (level <= NOISE_FLOOR) return 0;
  return Math.min(1, Math.sqrt((level - NOISE_FLOOR) / (FULL_OPEN - NOISE_FLOOR)));
}

/** Moves `current` towards `target`: opens fast, closes a little slower, independent of frame rate. */
export function smoothMouth(current: number, target: number, dtMs: number): number {
  const tau = target > current ? 25 : 70;
  const alpha = 1 - Math.exp(-Math.max(0, dtMs) / tau);
  return current + (target - current) * alpha;
}

/** Band powers of a spectrum: F1 region, F2 region, upper formants, sibilance. */
export interface Bands {
  low: number;
  mid: number;
  high: number;
  sib: number;
}

const BAND_EDGES_HZ = [150, 900, 2000, 4000, 10000];

/** Sums the power of an AnalyserNode's dB spectrum (`getFloatFrequencyData`) in the four speech bands. */
export function bandPowers(spectrumDb: Float32Array, sampleRate: number): Bands {
  const binHz = sampleRate / (2 * spectrumDb.length);
  const sums = [0, 0, 0, 0];
  for (let band = 0; band < 4; band++) {
    const from = Math.max(1, Math.floor(BAND_EDGES_HZ[band] / binHz));
    const to = Math.min(spectrumDb.length, Math.ceil(BAND_EDGES_HZ[band + 1] / binHz));
    let sum = 0;
    for (let i = from; i < to; i++) {
      const db = spectrumDb[i];
      if (db > -140) sum += 10 ** (db / 10);
    }
    sums[band] = sum;
  }
  return { low: sums[0], mid: sums[1], high: sums[2], sib: sums[3] };
}

/** [open, wide, round], each 0..1. */
export type MouthFeatures = [number, number, number];

/**
 * Mouth features from the level and spectral shape of the sound: the jaw follows the level; energy in
 * the F2 region spreads the lips (e, i), energy only low down rounds them (o, u); hiss narrows the jaw
 * (s, sh, f). Crude phonetics, but it works for any voice and any TTS.
 */
export function mouthFeatures(open: number, bands: Bands): MouthFeatures {
  if (open <= 0) return [0, 0.3, 0];
  const voiced = bands.low + bands.mid + bands.high;
  const total = voiced + bands.sib + 1e-12;
  const hiss = bands.sib / total;
  const f2 = (bands.mid + bands.high) / (voiced + 1e-12);
  const wide = clamp01((f2 - 0.12) / 0.45);
  const round = clamp01((0.22 - f2) / 0.2);
  if (hiss > 0.5) return [Math.min(open, 0.2), 0.75, 0.05];
  return [open, wide, round];
}

/**
 * The viseme whose features are nearest; the jaw counts double. `current` wins unless another is clearly
 * nearer, so the mouth does not flicker between two close shapes.
 */
export function nearestViseme<V extends string>(features: MouthFeatures, table: ReadonlyArray<[V, MouthFeatures]>, current: V | null): V {
  let best = table[0][0];
  let bestDistance = Infinity;
  let currentDistance = Infinity;
  for (const [name, f] of table) {
    const d = 2 * (features[0] - f[0]) ** 2 + (features[1] - f[1]) ** 2 + (features[2] - f[2]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
    if (name === current) currentDistance = d;
  }
  return current !== null && currentDistance - bestDistance < 0.02 ? current : best;
}

/** The cue in force at `time` (cues sorted by time), or null before the first and after `holdS` past the last. */
export function cueAt<C extends { time: number }>(cues: readonly C[], time: number, holdS = 0.25): C | null {
  if (!cues.length || time < cues[0].time || time > cues[cues.length - 1].time + holdS) return null;
  let lo = 0;
  let hi = cues.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cues[mid].time <= time) lo = mid;
    else hi = mid - 1;
  }
  return cues[lo];
}

function clamp01(v: number): number {
  return v < 0 ? 0 : Math.min(v, 1);
}
