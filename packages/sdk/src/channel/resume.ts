/**
 * Reconnecting a lost channel: a brief network drop should not end the conversation. The server keeps a
 * session whose socket died without `bye` for its lease TTL; within it the same token opens the channel
 * again. Attempts back off (250 ms, 500 ms, 1 s, 2 s, then every 4 s) until the window is spent.
 */
import { DHKitError } from '../core/errors.js';

const RESUME_BACKOFF_MS = [250, 500, 1000, 2000, 4000] as const;

/** Whether a close code means the session is over for good (no point in resuming). */
export function isFinalClose(code: number): boolean {
  // 1000: after bye; 4001: token refused or replaced by a newer channel; 4002: protocol; 4010: sessionEnd.
  return code === 1000 || code === 4001 || code === 4002 || code === 4010;
}

/**
 * Calls `attempt` with back-off until it resolves, a refusal says the session is gone (UNAUTHORIZED,
 * SESSION_ENDED), `windowMs` has passed, or `cancelled()` turns true. Resolves with the result, or rejects
 * with the last error.
 */
export async function retryResume<T>(
  attempt: () => Promise<T>,
  options: { windowMs: number; cancelled: () => boolean; sleep?: (ms: number) => Promise<void>; now?: () => number },
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => Date.now());
  const deadline = now() + options.windowMs;
  let lastError: unknown = DHKitError.fromCode('NETWORK_ERROR');
  for (let i = 0; ; i++) {
    const delay = RESUME_BACKOFF_MS[Math.min(i, RESUME_BACKOFF_MS.length - 1)];
    if (now() + delay >= deadline) break;
    await sleep(delay);
    if (options.cancelled()) throw DHKitError.fromCode('SESSION_ENDED');
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
      const code = (error as { code?: string }).code;
      if (code === 'UNAUTHORIZED' || code === 'SESSION_ENDED') break;
    }
  }
  throw lastError;
}
