import type { SessionInfo } from '@dhkit/protocol';
import { backoffDelay } from '../core/backoff.js';
import { DHKitError } from '../core/errors.js';

/** How long admission keeps trying while all assistants are busy, by default (a once-code lives 5 minutes). */
export const BUSY_WAIT_MS = 120_000;

const BUSY_BACKOFF = { initialMs: 2000, maxMs: 15_000 };

/** Told of each refusal (when the next try is) and, with null, of the admission that followed. */
export type BusyListener = (retryInMs: number | null, error?: DHKitError) => void;

/**
 * Admission while all assistants are busy (CONCURRENCY_LIMIT, SERVER_BUSY): tries again with back-off from
 * 2 s to 15 s, honouring Retry-After (a refusal does not spend the once-code); after `waitMs` (0: at once)
 * the refusal is the answer. Any other failure, or `closed()`, ends it.
 */
export async function admitWhileBusy(
  attempt: () => Promise<SessionInfo>,
  waitMs: number,
  closed: () => boolean,
  busy: BusyListener,
): Promise<SessionInfo> {
  const giveUpAt = Date.now() + waitMs;
  for (let refusals = 0; ; refusals++) {
    try {
      const session = await attempt();
      if (refusals) busy(null);
      return session;
    } catch (error) {
      const left = giveUpAt - Date.now();
      if (!(error instanceof DHKitError && /^(CONCURRENCY_LIMIT|SERVER_BUSY)$/.test(error.code)) || closed() || left <= 0) throw error;
      const delay = Math.min(backoffDelay(refusals, BUSY_BACKOFF, error.retryAfterMs), left);
      busy(delay, error);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (closed()) throw DHKitError.fromCode('CANCELLED');
    }
  }
}
