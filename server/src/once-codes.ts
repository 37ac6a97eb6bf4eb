import type { Store } from './store/store.js';
import { randomSecret, sha256Hex } from './security.js';

export const DEFAULT_ONCE_CODE_TTL_SECONDS = 300;

/** Mints a single-use code for a robot; only its hash is stored. */
export async function mintOnceCode(
  store: Store,
  robotId: string,
  ttlSeconds = DEFAULT_ONCE_CODE_TTL_SECONDS,
): Promise<{ onceCode: string; expiresAt: string }> {
  const onceCode = randomSecret(24);
  const expiresAt = Date.now() + ttlSeconds * 1000;
  await store.createOnceCode({ codeHash: sha256Hex(onceCode), robotId, expiresAt });
  return { onceCode, expiresAt: new Date(expiresAt).toISOString() };
}
