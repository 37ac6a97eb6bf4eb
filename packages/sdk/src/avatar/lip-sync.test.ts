import { describe, expect, it } from 'vitest';
import { bandPowers, cueAt, mouthFeatures, mouthTarget, nearestViseme, rms, smoothMouth } from './lip-sync.js';

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

describe('visemes from sound', () => {
  const table: Array<[string, [number, number, number]]> = [
    ['sil', [0, 0.3, 0]],
    ['aa', [1, 0.5, 0.1]],
    ['I', [0.4, 1, 0]],
    ['U', [0.3, 0, 1]],
    ['SS', [0.15, 0.8, 0]],
  ];
  const spectrum = (peaksHz: number[]) => {
    const db = new Float32Array(512).fill(-120);
    for (const hz of peaksHz) db[Math.round(hz / (48000 / 1024))] = -20;
    return db;
  };

  it('splits a spectrum into speech bands', () => {
    const bands = bandPowers(spectrum([500, 6000]), 48000);
    expect(bands.low).toBeGreaterThan(bands.mid * 100);
    expect(bands.sib).toBeGreaterThan(bands.high * 100);
  });

  it('rounds the lips for low sound, spreads them for F2, narrows for hiss', () => {
    const low = mouthFeatures(0.4, bandPowers(spectrum([300]), 48000));
    const front = mouthFeatures(0.4, bandPowers(spectrum([300, 2300]), 48000));
    const hiss = mouthFeatures(0.4, bandPowers(spectrum([6000, 7000]), 48000));
    expect(nearestViseme(low, table, null)).toBe('U');
    expect(nearestViseme(front, table, null)).toBe('I');
    expect(nearestViseme(hiss, table, null)).toBe('SS');
    expect(nearestViseme([1, 0.5, 0.1], table, 'I')).toBe('aa');
    expect(mouthFeatures(0, bandPowers(spectrum([300]), 48000))[0]).toBe(0);
  });

  it('finds the cue in force on the audio clock', () => {
    const cues = [
      { time: 1, viseme: 'PP' },
      { time: 1.1, viseme: 'aa' },
      { time: 1.3, viseme: 'sil' },
    ];
    expect(cueAt(cues, 0.9)).toBeNull();
    expect(cueAt(cues, 1.05)?.viseme).toBe('PP');
    expect(cueAt(cues, 1.2)?.viseme).toBe('aa');
    expect(cueAt(cues, 1.4)?.viseme).toBe('sil');
    expect(cueAt(cues, 2)).toBeNull();
  });
});
