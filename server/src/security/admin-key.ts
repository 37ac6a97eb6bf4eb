import type { Store } from '../store/store.js';
import { randomSecret, sha256Hex } from './secrets.js';

const ADMIN_KEY_SETTING = 'admin_key_sha256';
/** A shorter key can be guessed; generated keys are 43 characters (32 random bytes). */
export const MIN_ADMIN_KEY_CHARS = 32;

/** A given admin key that is too short: the server refuses to start (a configuration mistake, not a request). */
export class AdminKeyTooShortError extends Error {
  constructor(length: number) {
    super(
      `DHKIT_ADMIN_KEY is ${length} characters long; it must have at least ${MIN_ADMIN_KEY_CHARS}. ` +
        'Choose a long random key (e.g. `openssl rand -base64 32`), or leave it unset to have one generated.',
    );
    this.name = 'AdminKeyTooShortError';
  }
}

export interface AdminKeyState {
  hash: string;
  /** Set only when a key was generated now; the caller prints it once. */
  generated?: string;
  source: 'given' | 'stored' | 'generated';
}

/**
 * A given key replaces the stored one (its hash is stored, so later starts without it keep working).
 * Without one, the stored hash is used; on a fresh data dir a key is generated.
 */
export async function resolveAdminKey(store: Store, given: string | undefined): Promise<AdminKeyState> {
  if (given) {
    if (given.length < MIN_ADMIN_KEY_CHARS) throw new AdminKeyTooShortError(given.length);
    const hash = sha256Hex(given);
    await store.setSetting(ADMIN_KEY_SETTING, hash);
    return { hash, source: 'given' };
  }
  const stored = await store.getSetting(ADMIN_KEY_SETTING);
  if (stored) return { hash: stored, source: 'stored' };
  const generated = randomSecret(32);
  const hash = sha256Hex(generated);
  await store.setSetting(ADMIN_KEY_SETTING, hash);
  return { hash, generated, source: 'generated' };
}
