import type { Backoff } from '../core/backoff.js';
import { DHKitError, toDHKitError } from '../core/errors.js';

/**
 * The longest one try to open a session may take before the kiosk gives up on it and tries again: admission
 * (15 s) and the channel handshake (about 15 s) have their own limits, but the page's `onceCode()` function
 * has none, and a kiosk must never wait for a promise that does not settle.
 */
const OPEN_DEADLINE_MS = 60_000;

/** What the kiosk does for its keeper; each is called only for the try that is current. */
export interface SessionKeeperHooks {
  /** Opens a fresh session (the first, or the next visitor's). `signal` aborts when the keeper gives up waiting for it. */
  open(signal: AbortSignal): Promise<void>;
  /** The fresh session is ready. */
  opened(): void;
  /** A try failed, or the held session was lost: the next try is in `retryInMs`. */
  failed(error: DHKitError, retryInMs: number): void;
  /** Seconds to the next try, once a second while waiting for it. */
  retryCountdown(seconds: number): void;
}

/**
 * Keeps a kiosk's one session: opens a fresh one when asked, tries again with back-off when that fails or the
 * session is lost, and never runs two opens at once. Everything that wants a fresh session (the visitor left,
 * the server ended the session, the retry is due, the network is back, the page called reset()) asks through
 * `request()`: while an open is under way that open is the answer, because the session it brings is fresh.
 * Two opens side by side on one digital human would each admit a session: one of them is left holding a slot
 * on the server and the other fails, which is how a reset used to end on the offline screen.
 */
export class SessionKeeper {
  private opening: Promise<void> | null = null;
  /** Bumped for every try, so a late answer of an earlier one is ignored. */
  private tries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private countdownTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(
    private readonly hooks: SessionKeeperHooks,
    private readonly backoff: Backoff,
    private readonly openDeadlineMs = OPEN_DEADLINE_MS,
  ) {}

  /** The current try: a callback of an earlier session compares it to the one it captured. */
  get generation(): number {
    return this.tries;
  }

  /** Whether an open is under way. */
  get busyOpening(): boolean {
    return this.opening !== null;
  }

  /** Whether a retry is scheduled (the kiosk shows offline or busy meanwhile). */
  get waitingToRetry(): boolean {
    return this.retryTimer !== undefined;
  }

  /** A fresh session is wanted; resolves when this try (or the one already under way) has settled. */
  request(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.opening) return this.opening;
    this.clearRetry();
    this.opening = this.attempt(++this.tries);
    return this.opening;
  }

  /** The held session is gone (channel lost, server unreachable): the kiosk waits, then tries again. */
  lost(error: DHKitError): void {
    // An open under way decides by itself; a retry already scheduled is the answer to this loss too.
    if (this.stopped || this.opening || this.waitingToRetry) return;
    this.tries++;
    this.scheduleRetry(error);
  }

  /** No more tries (the kiosk is destroyed). */
  stop(): void {
    this.stopped = true;
    this.tries++;
    this.clearRetry();
  }

  private async attempt(mine: number): Promise<void> {
    const abort = new AbortController();
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => {
        abort.abort();
        reject(new DHKitError('NETWORK_ERROR', 'Opening a session took too long.'));
      }, this.openDeadlineMs);
    });
    try {
      await Promise.race([this.hooks.open(abort.signal), late]);
      if (mine !== this.tries) return;
      this.opening = null;
      this.backoff.reset();
      this.hooks.opened();
    } catch (error) {
      if (mine !== this.tries) return;
      this.opening = null;
      this.scheduleRetry(toDHKitError(error, 'NETWORK_ERROR'));
    } finally {
      clearTimeout(deadline);
    }
  }

  private scheduleRetry(error: DHKitError): void {
    this.clearRetry();
    const delay = this.backoff.next(error.retryAfterMs);
    this.hooks.failed(error, delay);
    const due = Date.now() + delay;
    const countdown = () => this.hooks.retryCountdown(Math.max(0, Math.ceil((due - Date.now()) / 1000)));
    countdown();
    this.countdownTimer = setInterval(countdown, 1000);
    this.retryTimer = setTimeout(() => {
      this.clearRetry();
      this.hooks.retryCountdown(0);
      void this.request();
    }, delay);
  }

  private clearRetry(): void {
    clearTimeout(this.retryTimer);
    clearInterval(this.countdownTimer);
    this.retryTimer = undefined;
    this.countdownTimer = undefined;
  }
}
