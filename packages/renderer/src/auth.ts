import { timingSafeEqual } from 'node:crypto';

/** `Authorization: Bearer <secret>`, compared in constant time. */
export function matchesSecret(header: string | undefined, secret: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
