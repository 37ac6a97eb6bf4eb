import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BusyCountdown } from './busy-countdown.js';

/** The calls a Lit element makes available to its controllers, counting the updates asked for. */
function host() {
  const updates = { count: 0 };
  const target = {
    addController: () => {},
    removeController: () => {},
    requestUpdate: () => void updates.count++,
    updateComplete: Promise.resolve(true),
  };
  return { target, updates };
}

describe('BusyCountdown', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts whole seconds down to the next admission try, redrawing the status line each second', () => {
    const { target, updates } = host();
    const busy = new BusyCountdown(target);
    busy.show(4200);
    expect(busy.seconds).toBe(5);
    const before = updates.count;
    vi.advanceTimersByTime(2000);
    expect(busy.seconds).toBe(3);
    expect(updates.count).toBe(before + 2);
    vi.advanceTimersByTime(10_000);
    expect(busy.seconds).toBe(0);
  });

  it('a new refusal restarts it; null (admitted) clears it; it stops when the element goes away', () => {
    const busy = new BusyCountdown(host().target);
    busy.show(3000);
    vi.advanceTimersByTime(2000);
    busy.show(9000);
    expect(busy.seconds).toBe(9);
    busy.show(null);
    expect(busy.seconds).toBeNull();
    busy.show(5000);
    busy.hostDisconnected();
    vi.advanceTimersByTime(3000);
    expect(busy.seconds).toBe(5);
  });
});
