import { afterEach, describe, expect, it, vi } from 'vitest';
import { Presence } from './presence.js';

function presence() {
  let now = 0;
  const seen: Array<number | null> = [];
  const left = vi.fn();
  const watch = new Presence({
    resetAfterSeconds: () => 30,
    warnBeforeResetSeconds: () => 10,
    countdown: (seconds) => seen.push(seconds),
    left,
    now: () => now,
  });
  return { watch, seen, left, advance: (s: number) => (now += s * 1000) };
}

describe('Presence', () => {
  afterEach(() => vi.useRealTimers());

  it('counts down the last seconds, then reports that the visitor left', () => {
    vi.useFakeTimers();
    const { watch, seen, left, advance } = presence();
    watch.activity();
    advance(19);
    watch.tick();
    expect(seen.at(-1)).toBeNull();
    advance(2);
    watch.tick();
    expect(seen.at(-1)).toBe(9);
    advance(9);
    watch.tick();
    expect(left).toHaveBeenCalledOnce();
    expect(seen.at(-1)).toBeNull();
  });

  it('does not count the time she speaks, and activity takes the countdown away', () => {
    vi.useFakeTimers();
    const { watch, seen, left, advance } = presence();
    watch.activity();
    watch.speakingStarted();
    advance(60);
    watch.tick();
    expect(left).not.toHaveBeenCalled();
    watch.speakingStopped();
    advance(25);
    watch.tick();
    expect(seen.at(-1)).toBe(5);
    watch.activity();
    expect(seen.at(-1)).toBeNull();
    advance(29);
    watch.tick();
    expect(left).not.toHaveBeenCalled();
  });
});
