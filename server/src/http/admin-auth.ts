import type { FastifyRequest } from 'fastify';
import { CodedError } from '../errors.js';
import { matchesHash } from '../security/secrets.js';

/** onRequest hook for admin routes (runs before body parsing and validation): `Authorization: Bearer <admin key>`, compared by hash in constant time. */
export function adminGuard(adminKeyHash: string) {
  return async function requireAdmin(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match || !matchesHash(match[1], adminKeyHash)) throw new CodedError('UNAUTHORIZED');
  };
}
