import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EndCountdown } from './end-countdown.js';

/** The two calls a Lit element makes available to its controllers. */
function host() {
  const updates = { count: 0 };
  const target = Object.assign(new EventTarget(), {
    addController: () => {},
    removeController: () => {},
    requestUpdate: () => void updates.count++,
    updateComplete: Promise.resolve(true),
  });
  return { target, updates };
}

describe('EndCountdown', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts down an idle timeout; Continue tells the server and takes the card away', () => {
    const continued: string[] = [];
    const countdown = new EndCountdown(host().target, () => continued.push('stillHere'));
    countdown.show(30, 'IDLE_TIMEOUT');
    vi.advanceTimersByTime(3000);
    expect(countdown.seconds).toBe(27);
    countdown.continue();
    expect(continued).toEqual(['stillHere']);
    expect(countdown.seconds).toBeNull();
  });

  it('before the maximum duration, Continue keeps the countdown on one line and sends nothing (nothing extends it)', () => {
    const continued: string[] = [];
    const { target, updates } = host();
    const countdown = new EndCountdown(target, () => continued.push('stillHere'));
    countdown.show(20, 'MAX_DURATION');
    const before = updates.count;
    countdown.continue();
    expect(continued).toEqual([]);
    expect(countdown.acknowledged).toBe(true);
    expect(updates.count).toBeGreaterThan(before);
    vi.advanceTimersByTime(5000);
    expect(countdown.seconds).toBe(15);
    // A later mention (the idle one, say) brings the full card back.
    countdown.show(10, 'IDLE_TIMEOUT');
    expect(countdown.acknowledged).toBe(false);
    countdown.show(null);
    expect(countdown.seconds).toBeNull();
  });

  it('stops at zero and stops ticking when the element goes away', () => {
    const countdown = new EndCountdown(host().target, () => {});
    countdown.show(2, 'IDLE_TIMEOUT');
    vi.advanceTimersByTime(5000);
    expect(countdown.seconds).toBe(0);
    countdown.show(10, 'IDLE_TIMEOUT');
    countdown.hostDisconnected();
    vi.advanceTimersByTime(3000);
    expect(countdown.seconds).toBe(10);
  });
});
