import { createHash, hash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes are drawn from the CSPRNG a pool at a time and each byte is handed out once: one call into
 * the CSPRNG costs about 30 µs on the 2-core machine whatever its size (an admission needs two secrets), a
 * slice of the pool under a microsecond. Node's own randomUUID pools the same way.
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** A fresh secret: `bytes` random bytes, base64url. */
export function randomSecret(bytes = 32): string {
  if (bytes > POOL_BYTES / 8) return randomBytes(bytes).toString('base64url');
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const secret = pool.toString('base64url', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return secret;
}

export function sha256Hex(value: string): string {
  // The one-shot hash: no Hash object per call (a third of the time; two per admission).
  return hash('sha256', value, 'hex');
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
