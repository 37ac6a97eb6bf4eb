import type { SessionInfo } from '@dhkit/protocol';
import type { WhileBusy } from '../channel/session-connection.js';
import { Backoff } from '../core/backoff.js';
import { DHKitError } from '../core/errors.js';

/** How long create() keeps trying while all assistants are busy (a once-code lives 5 minutes by default). */
export const BUSY_WAIT_MS = 120_000;

/**
 * The built-in UI's admission while all assistants are busy (CONCURRENCY_LIMIT, SERVER_BUSY): it tries
 * again with back-off from 2 s to 15 s, honouring Retry-After (a refusal does not spend the once-code), and
 * tells the view when; after `waitMs` the refusal is the answer.
 */
export function retryWhileBusy(waitMs = BUSY_WAIT_MS): WhileBusy {
  return async (attempt, hooks): Promise<SessionInfo> => {
    const backoff = new Backoff({ initialMs: 2000, maxMs: 15_000 });
    const giveUpAt = Date.now() + waitMs;
    for (;;) {
      try {
        const session = await attempt();
        if (backoff.attempts > 0) hooks.busy(null);
        return session;
      } catch (error) {
        const busy = error instanceof DHKitError && (error.code === 'CONCURRENCY_LIMIT' || error.code === 'SERVER_BUSY');
        if (!busy || hooks.closed() || Date.now() >= giveUpAt) throw error;
        const delay = Math.min(backoff.next(error.retryAfterMs), Math.max(0, giveUpAt - Date.now()));
        hooks.busy(delay, backoff.attempts === 1 ? error : undefined);
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (hooks.closed()) throw DHKitError.fromCode('CANCELLED');
      }
    }
  };
}
