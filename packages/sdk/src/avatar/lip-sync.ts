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
