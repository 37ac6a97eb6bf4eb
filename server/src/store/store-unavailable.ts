/**
 * A store that cannot be reached (PostgreSQL down or restarting, its connections cut, SQLite locked past its
 * busy timeout) is an outage, not a bug: requests that need it answer SERVER_BUSY (503) with Retry-After, never
 * INTERNAL_ERROR, so clients retry instead of giving up.
 */

/** Seconds a client is told to wait before retrying during an outage. */
export const OUTAGE_RETRY_AFTER_MS = 5000;

/** Node socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATE classes and codes that mean "the server is not available right now". */
function isPostgresUnavailable(code: string): boolean {
  // 08: connection exception; 57P01..57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || isPostgresUnavailable(code) || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
    }
    // node-postgres reports a dropped or never-made connection with these messages and no code.
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)
    ) {
      return true;
    }
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isStoreUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
