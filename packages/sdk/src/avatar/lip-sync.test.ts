import { describe, expect, it } from 'vitest';
import { mouthTarget, rms, smoothMouth } from './lip-sync.js';

describe('lip sync', () => {
  it('measures RMS', () => {
    expect(rms(new Float32Array(0))).toBe(0);
    expect(rms(new Float32Array([0.5, -0.5, 0.5, -0.5]))).toBeCloseTo(0.5, 6);
  });

  it('keeps the mouth shut in silence and opens it with speech level', () => {
    expect(mouthTarget(0)).toBe(0);
    expect(mouthTarget(0.004)).toBe(0);
    const typical = mouthTarget(0.06);
    expect(typical).toBeGreaterThan(0.3);
    expect(typical).toBeLessThan(mouthTarget(0.12));
    expect(mouthTarget(0.9)).toBe(1);
  });

  it('opens faster than it closes and never overshoots', () => {
    const opening = smoothMouth(0, 1, 33);
    const closing = 1 - smoothMouth(1, 0, 33);
    expect(opening).toBeGreaterThan(closing);
    expect(opening).toBeLessThanOrEqual(1);
    expect(smoothMouth(0.4, 0.4, 33)).toBeCloseTo(0.4, 10);
    expect(smoothMouth(0.2, 0.8, 0)).toBe(0.2);
  });
});
