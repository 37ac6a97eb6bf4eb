/** Pure navigation logic of the media viewer: index stepping and touch gestures. */

/** The index `delta` steps from `index` among `count` items, wrapping around. */
export function stepIndex(index: number, delta: number, count: number): number {
  if (count <= 0) return 0;
  return (((index + delta) % count) + count) % count;
}

export type SwipeAction = 'next' | 'previous' | 'close' | 'none';

/** Shortest horizontal swipe that pages, and vertical swipe that closes (CSS pixels). */
const SWIPE_MIN_PX = 50;
const SWIPE_CLOSE_PX = 80;
/** A gesture slower than this is a drag or a pan, not a swipe. */
const SWIPE_MAX_MS = 800;

/**
 * What a finished touch gesture means: a mostly horizontal swipe pages (left → next), a downward swipe
 * closes, anything else (taps, slow drags, diagonal moves) does nothing here.
 */
export function swipeAction(dx: number, dy: number, ms: number): SwipeAction {
  if (ms > SWIPE_MAX_MS) return 'none';
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  if (ax >= SWIPE_MIN_PX && ax > ay * 1.5) return dx < 0 ? 'next' : 'previous';
  if (dy >= SWIPE_CLOSE_PX && ay > ax * 1.5) return 'close';
  return 'none';
}

/** The element Tab or Shift+Tab moves to inside a focus trap, wrapping at both ends. */
export function trapTarget<T>(focusables: readonly T[], current: T | null, backwards: boolean): T | null {
  if (!focusables.length) return null;
  const index = current === null ? -1 : focusables.indexOf(current);
  if (index < 0) return backwards ? focusables[focusables.length - 1]! : focusables[0]!;
  return focusables[stepIndex(index, backwards ? -1 : 1, focusables.length)]!;
}
