import type { FastifyRequest } from 'fastify';
import { CodedError } from '../errors.js';
import type { LockoutPolicy } from '../security/rate-limits.js';
import type { OnceCodeLockout } from '../security/shared-limits.js';
import { matchesHash } from '../security/secrets.js';

/**
 * Wrong admin keys from one address per minute before it is refused for a while: a key of 32+ characters
 * cannot be guessed, but an unthrottled endpoint invites trying. One lockout per app (AppContext.adminLockout),
 * kept in the database with PostgreSQL so that every process counts the same failures.
 */
export const ADMIN_AUTH_LOCKOUT: LockoutPolicy = { maxFailures: 60, windowMs: 60_000, lockMs: 5 * 60_000 };

/**
 * onRequest hook for admin routes (runs before body parsing and validation): `Authorization: Bearer <admin key>`,
 * compared by hash in constant time. Failed attempts are counted per client address (request.ip, which honours
 * DHKIT_TRUST_PROXY); past the lockout policy that address gets RATE_LIMITED with Retry-After, even with the right key.
 */
export function adminGuard(adminKeyHash: string, lockout: OnceCodeLockout) {
  return async function requireAdmin(request: FastifyRequest): Promise<void> {
    const lockedFor = await lockout.lockedFor(request.ip);
    if (lockedFor > 0)
      throw new CodedError('RATE_LIMITED', 'Too many failed admin authentications from this address.', { retryAfterMs: lockedFor });
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new CodedError('UNAUTHORIZED');
    if (!matchesHash(match[1], adminKeyHash)) {
      // Only a presented key is a guess; a missing or malformed header is not counted.
      await lockout.recordFailure(request.ip);
      throw new CodedError('UNAUTHORIZED');
    }
  };
}
