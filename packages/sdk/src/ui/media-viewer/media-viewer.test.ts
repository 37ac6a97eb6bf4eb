import { describe, expect, it } from 'vitest';
import { stepIndex, swipeAction, trapTarget } from './gestures.js';

describe('media viewer navigation', () => {
  it('steps through items and wraps at both ends', () => {
    expect(stepIndex(0, 1, 3)).toBe(1);
    expect(stepIndex(2, 1, 3)).toBe(0);
    expect(stepIndex(0, -1, 3)).toBe(2);
    expect(stepIndex(0, -7, 3)).toBe(2);
    expect(stepIndex(0, 1, 0)).toBe(0);
  });

  it('reads swipes: left pages on, right pages back, down closes, taps and slow drags do nothing', () => {
    expect(swipeAction(-120, 10, 200)).toBe('next');
    expect(swipeAction(120, -10, 200)).toBe('previous');
    expect(swipeAction(5, 140, 250)).toBe('close');
    expect(swipeAction(-5, -140, 250)).toBe('none');
    expect(swipeAction(3, 2, 90)).toBe('none');
    expect(swipeAction(-120, 10, 2000)).toBe('none');
    expect(swipeAction(-80, 70, 200)).toBe('none');
  });

  it('traps Tab focus, wrapping both ways', () => {
    const items = ['close', 'previous', 'next'];
    expect(trapTarget(items, 'next', false)).toBe('close');
    expect(trapTarget(items, 'close', true)).toBe('next');
    expect(trapTarget(items, 'previous', false)).toBe('next');
    expect(trapTarget(items, null, false)).toBe('close');
    expect(trapTarget(items, 'outside', true)).toBe('next');
    expect(trapTarget([], null, false)).toBeNull();
  });
});
