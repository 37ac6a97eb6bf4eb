import { describe, expect, it } from 'vitest';
import { DHKitError } from '../core/errors.js';
import { isFinalClose, retryResume } from './resume.js';

function fakeClock() {
  let t = 0;
  const waits: number[] = [];
  return { waits, now: () => t, sleep: async (ms: number) => void (waits.push(ms), (t += ms)) };
}

describe('retryResume', () => {
  it('backs off and resolves once an attempt succeeds', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await retryResume(
      async () => {
        if (++calls < 3) throw DHKitError.fromCode('NETWORK_ERROR');
        return 'welcome';
      },
      { windowMs: 30_000, cancelled: () => false, ...clock },
    );
    expect(result).toBe('welcome');
    expect(clock.waits).toEqual([250, 500, 1000]);
  });

  it('stops at once when the server says the session is gone', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      retryResume(
        async () => {
          calls++;
          throw DHKitError.fromCode('UNAUTHORIZED');
        },
        { windowMs: 30_000, cancelled: () => false, ...clock },
      ),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(calls).toBe(1);
  });

  it('gives up when the lease window is spent', async () => {
    const clock = fakeClock();
    await expect(
      retryResume(async () => Promise.reject(DHKitError.fromCode('NETWORK_ERROR')), { windowMs: 10_000, cancelled: () => false, ...clock }),
    ).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(clock.waits).toEqual([250, 500, 1000, 2000, 4000]);
    expect(clock.now()).toBeLessThan(10_000);
  });

  it('knows which close codes are final', () => {
    expect([1000, 4001, 4002, 4010].every(isFinalClose)).toBe(true);
    expect([1006, 1001, 1011, 1012].some(isFinalClose)).toBe(false);
  });
});
