import { describe, expect, it } from 'vitest';
import { FailureLockout, RateLimiter } from './rate-limits.js';

describe('FailureLockout', () => {
  it('locks a key after maxFailures within the window, for lockMs, and only that key', () => {
    const lockout = new FailureLockout({ maxFailures: 3, windowMs: 1000, lockMs: 5000 });
    lockout.recordFailure('a', 0);
    lockout.recordFailure('a', 100);
    expect(lockout.lockedFor('a', 100)).toBe(0);
    lockout.recordFailure('a', 200);
    expect(lockout.lockedFor('a', 200)).toBe(5000);
    expect(lockout.lockedFor('b', 200)).toBe(0);
    expect(lockout.lockedFor('a', 5199)).toBe(1);
    expect(lockout.lockedFor('a', 5200)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const lockout = new FailureLockout({ maxFailures: 2, windowMs: 1000, lockMs: 5000 });
    lockout.recordFailure('a', 0);
    lockout.recordFailure('a', 1500);
    expect(lockout.lockedFor('a', 1500)).toBe(0);
    lockout.recordFailure('a', 1600);
    expect(lockout.lockedFor('a', 1600)).toBe(5000);
  });

  it('bounds the number of keys it remembers', () => {
    const lockout = new FailureLockout({ maxFailures: 2, windowMs: 1000, lockMs: 5000 }, 10);
    for (let i = 0; i < 100; i++) lockout.recordFailure(`k${i}`, 0);
    expect((lockout as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(10);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then the sustained rate', () => {
    const limiter = new RateLimiter({ perSecond: 10, burst: 3 });
    expect([0, 0, 0].map(() => limiter.take('r', 0))).toEqual([0, 0, 0]);
    expect(limiter.take('r', 0)).toBe(100);
    expect(limiter.take('r', 100)).toBe(0);
    expect(limiter.take('r', 100)).toBeGreaterThan(0);
    expect(limiter.take('other', 100)).toBe(0);
  });
});
