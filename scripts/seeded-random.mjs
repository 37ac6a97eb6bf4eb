/**
 * mulberry32: a small seeded generator of numbers in [0, 1), so that a sample can be drawn again from its seed.
 * Shared by what draws samples: the XSS corpus's daily sample (e2e/xss-corpus.mjs) and the synthetic knowledge
 * base of the scale bench (bench/kb/scale.mjs).
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
