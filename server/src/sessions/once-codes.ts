import { CodedError } from '../errors.js';
import type { IssuanceLimit } from '../security/shared-limits.js';
import type { Store } from '../store/store.js';
import { randomSecret, sha256Hex } from '../security/secrets.js';

const DEFAULT_ONCE_CODE_TTL_SECONDS = 300;

/** Mints a single-use code for a robot; only its hash is stored. */
export async function mintOnceCode(
  store: Store,
  robotId: string,
  ttlSeconds = DEFAULT_ONCE_CODE_TTL_SECONDS,
): Promise<{ onceCode: string; expiresAt: string }> {
  const onceCode = randomSecret(24);
  const expiresAt = Date.now() + ttlSeconds * 1000;
  try {
    await store.createOnceCode({ codeHash: sha256Hex(onceCode), robotId, expiresAt });
  } catch (error) {
    // The robot was deleted (or never existed, e.g. the demo robot removed by an operator): the code's
    // foreign key fails. That is the caller's 404, not a server fault.
    if (!(await store.getRobot(robotId))) throw new CodedError('ROBOT_NOT_FOUND', `There is no robot "${robotId}".`);
    throw error;
  }
  return { onceCode, expiresAt: new Date(expiresAt).toISOString() };
}

/** mintOnceCode behind the per-robot issuance rate limit (SERVER_BUSY with a retry delay beyond it). */
export async function issueOnceCode(
  context: { store: Store; onceCodeRate: IssuanceLimit },
  robotId: string,
  ttlSeconds?: number,
): Promise<{ onceCode: string; expiresAt: string }> {
  const waitMs = await context.onceCodeRate.take(robotId);
  if (waitMs > 0)
    throw new CodedError('SERVER_BUSY', 'Too many once-codes requested for this robot; slow down and retry.', { retryAfterMs: waitMs });
  return mintOnceCode(context.store, robotId, ttlSeconds);
}
