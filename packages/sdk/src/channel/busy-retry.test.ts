import type { SessionInfo } from '@dhkit/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DHKitError } from '../core/errors.js';
import { admitWhileBusy } from './busy-retry.js';

const session = { sessionId: 's1' } as SessionInfo;
const busyError = (code: 'CONCURRENCY_LIMIT' | 'SERVER_BUSY', retryAfterMs?: number) => new DHKitError(code, undefined, { retryAfterMs });

describe('admitWhileBusy', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tries again while all assistants are busy, honouring Retry-After, and says when', async () => {
    const refusals = [busyError('CONCURRENCY_LIMIT'), busyError('SERVER_BUSY', 9000)];
    const told: Array<[number | null, string | undefined]> = [];
    const admitted = admitWhileBusy(
      async () => {
        const refusal = refusals.shift();
        if (refusal) throw refusal;
        return session;
      },
      120_000,
      () => false,
      (retryInMs, error) => told.push([retryInMs, error?.code]),
    );
    await vi.runAllTimersAsync();
    expect(await admitted).toBe(session);
    expect(told[0][1]).toBe('CONCURRENCY_LIMIT');
    expect(told[0][0]).toBeGreaterThanOrEqual(1600);
    expect(told[0][0]).toBeLessThanOrEqual(2400);
    expect(told[1]).toEqual([9000, 'SERVER_BUSY']);
    expect(told[2]).toEqual([null, undefined]);
  });

  it('gives up after waitMs (0: at once) and never retries other failures', async () => {
    let tries = 0;
    const refuse = async (): Promise<SessionInfo> => {
      tries++;
      throw busyError('CONCURRENCY_LIMIT');
    };
    await expect(
      admitWhileBusy(
        refuse,
        0,
        () => false,
        () => {},
      ),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_LIMIT' });
    expect(tries).toBe(1);

    tries = 0;
    const invalid = async (): Promise<SessionInfo> => {
      tries++;
      throw new DHKitError('ONCE_CODE_INVALID');
    };
    await expect(
      admitWhileBusy(
        invalid,
        60_000,
        () => false,
        () => {},
      ),
    ).rejects.toMatchObject({ code: 'ONCE_CODE_INVALID' });
    expect(tries).toBe(1);

    tries = 0;
    const limited = admitWhileBusy(
      refuse,
      5000,
      () => false,
      () => {},
    );
    limited.catch(() => {});
    await vi.runAllTimersAsync();
    await expect(limited).rejects.toMatchObject({ code: 'CONCURRENCY_LIMIT' });
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(tries).toBeLessThanOrEqual(4);
  });

  it('stops with CANCELLED when closed while waiting', async () => {
    let closed = false;
    const waiting = admitWhileBusy(
      async () => {
        throw busyError('SERVER_BUSY');
      },
      60_000,
      () => closed,
      () => void (closed = true),
    );
    waiting.catch(() => {});
    await vi.runAllTimersAsync();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
