import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret: `bytes` random bytes, base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares a secret with a stored SHA-256 hash in constant time. */
export function matchesHash(secret: string, expectedHashHex: string): boolean {
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  const expected = Buffer.from(expectedHashHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/** `allowedOrigins` holds exact `scheme://host[:port]` values or "*". */
export function isOriginAllowed(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  if (origin === undefined) return true;
  if (allowedOrigins.includes('*')) return true;
  const normalized = origin.toLowerCase().replace(/\/+$/, '');
  return allowedOrigins.some((allowed) => allowed.toLowerCase().replace(/\/+$/, '') === normalized);
}
