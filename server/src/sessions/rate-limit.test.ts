import { describe, expect, it } from 'vitest';
import { SessionRateLimits, TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate, and reports when the next token comes', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, perMinute: 60 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.retryAfterMs).toBe(1000);
    now += 999;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    now += 60_000;
    // Refills up to the burst, never beyond.
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('SessionRateLimits', () => {
  it("uses the robot's limits and the defaults for what it leaves out", () => {
    const now = 0;
    const limits = new SessionRateLimits({ questions: { burst: 1, perMinute: 1 } }, () => now);
    expect([limits.allow('questions'), limits.allow('questions')]).toEqual([true, false]);
    let utterances = 0;
    while (limits.allow('utterances') && utterances < 100) utterances++;
    expect(utterances).toBe(10);
  });
});
