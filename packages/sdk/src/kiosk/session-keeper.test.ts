import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backoff } from '../core/backoff.js';
import { DHKitError } from '../core/errors.js';
import { SessionKeeper } from './session-keeper.js';

/** One open the test settles by hand, in the order it wants. */
interface PendingOpen {
  signal: AbortSignal;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A keeper whose opens wait for the test. What the kiosk would show is recorded as a list of what happened:
 * 'open' (a try started), 'opened', 'failed CODE DELAY'.
 */
function keeper(deadlineMs = 60_000) {
  const opens: PendingOpen[] = [];
  const log: string[] = [];
  const countdown: number[] = [];
  const sessions = new SessionKeeper(
    {
      open: (signal) =>
        new Promise<void>((resolve, reject) => {
          log.push('open');
          opens.push({ signal, resolve, reject });
        }),
      opened: () => log.push('opened'),
      failed: (error, retryInMs) => log.push(`failed ${error.code} ${retryInMs}`),
      retryCountdown: (seconds) => countdown.push(seconds),
    },
    // No jitter in a test: the delays are exact.
    new Backoff({ initialMs: 1000, maxMs: 8000 }),
    deadlineMs,
  );
  return { sessions, opens, log, countdown };
}

/** Lets every settled promise run its continuations (the keeper's awaits). */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('SessionKeeper', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('opens one session for two requests in the same tick (the visitor left as the server ended her session)', async () => {
    const { sessions, opens, log } = keeper();
    const presenceReset = sessions.request();
    const jobEndReset = sessions.request();
    expect(opens).toHaveLength(1);
    opens[0].resolve();
    await Promise.all([presenceReset, jobEndReset]);
    expect(log).toEqual(['open', 'opened']);
    expect(sessions.busyOpening).toBe(false);
  });

  it('ignores a loss reported while a fresh session is being opened: the open decides', async () => {
    const { sessions, opens, log } = keeper();
    const reset = sessions.request();
    // The old session's channel (or the health check) reports the loss in the same tick.
    sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    opens[0].resolve();
    await reset;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(['open', 'opened']);
  });

  it('a reset right after a loss opens at once, and the retry that the loss scheduled does not open a second one', async () => {
    const { sessions, opens, log } = keeper();
    sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    expect(sessions.waitingToRetry).toBe(true);
    const reset = sessions.request();
    expect(sessions.waitingToRetry).toBe(false);
    opens[0].resolve();
    await reset;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(['failed NETWORK_ERROR 1000', 'open', 'opened']);
  });

  it('after a rejected create() (all busy, Retry-After 5 s) it waits as asked, counts down, then tries again', async () => {
    const { sessions, opens, log, countdown } = keeper();
    const first = sessions.request();
    opens[0].reject(new DHKitError('CONCURRENCY_LIMIT', 'busy', { retryAfterMs: 5000 }));
    await first;
    expect(log).toEqual(['open', 'failed CONCURRENCY_LIMIT 5000']);
    expect(countdown).toEqual([5]);
    await vi.advanceTimersByTimeAsync(4999);
    expect(opens).toHaveLength(1);
    expect(countdown).toEqual([5, 4, 3, 2, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(opens).toHaveLength(2);
    expect(countdown.at(-1)).toBe(0);
    opens[1].resolve();
    await settle();
    expect(log.at(-1)).toBe('opened');
  });

  it('a network error during a reset ends on the offline screen, and the back-off doubles until a try works', async () => {
    const { sessions, opens, log } = keeper();
    void sessions.request();
    opens[0].reject(DHKitError.fromCode('NETWORK_ERROR'));
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    opens[1].reject(new TypeError('Failed to fetch'));
    await settle();
    await vi.advanceTimersByTimeAsync(2000);
    opens[2].resolve();
    await settle();
    expect(log).toEqual(['open', 'failed NETWORK_ERROR 1000', 'open', 'failed NETWORK_ERROR 2000', 'open', 'opened']);
    // A try that answered (even with a failure) is not aborted: the kiosk keeps what it made.
    expect(opens.map((open) => open.signal.aborted)).toEqual([false, false, false]);
    // A success starts the back-off over.
    sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    expect(log.at(-1)).toBe('failed NETWORK_ERROR 1000');
  });

  it('gives up on an open that never settles (a onceCode() that hangs), aborts it and tries again', async () => {
    const { sessions, opens, log } = keeper(30_000);
    void sessions.request();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(opens[0].signal.aborted).toBe(true);
    expect(log).toEqual(['open', 'failed NETWORK_ERROR 1000']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(opens).toHaveLength(2);
    // The hung try answers after all, late: it is not taken for the current one.
    opens[0].resolve();
    await settle();
    expect(log).toEqual(['open', 'failed NETWORK_ERROR 1000', 'open']);
    opens[1].resolve();
    await settle();
    expect(log.at(-1)).toBe('opened');
  });

  it('the network coming back (twice) while waiting to retry opens once, at once', async () => {
    const { sessions, opens, log } = keeper();
    sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    await vi.advanceTimersByTimeAsync(300);
    void sessions.request();
    void sessions.request();
    expect(opens).toHaveLength(1);
    opens[0].resolve();
    await settle();
    await vi.advanceTimersByTimeAsync(5000);
    expect(log).toEqual(['failed NETWORK_ERROR 1000', 'open', 'opened']);
  });

  it('a loss while a retry is already scheduled does not push the retry further out', async () => {
    const { sessions, opens } = keeper();
    sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    await vi.advanceTimersByTimeAsync(900);
    sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    await vi.advanceTimersByTimeAsync(100);
    expect(opens).toHaveLength(1);
  });

  it('stops: no retry fires, and an open that answers afterwards is not reported', async () => {
    const { sessions, opens, log } = keeper();
    void sessions.request();
    sessions.stop();
    opens[0].resolve();
    await settle();
    sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    void sessions.request();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(log).toEqual(['open']);
  });
});
