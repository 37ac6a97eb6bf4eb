import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the maximum and starts over after a success', () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 5000 });
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map(() => backoff.next(undefined, middle))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoff.attempts).toBe(4);
    backoff.reset();
    expect(backoff.next(undefined, middle)).toBe(1000);
  });

  it('spreads retries by ±20 %', () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 5000 });
    expect(backoff.next(undefined, () => 0)).toBe(800);
    backoff.reset();
    expect(backoff.next(undefined, () => 0.999999)).toBe(1200);
  });

  it("waits at least as long as the server's Retry-After asks", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 5000 });
    expect(backoff.next(12_000, () => 0.5)).toBe(12_000);
    expect(backoff.next(500, () => 0.5)).toBe(2000);
  });
});
