import { describe, expect, it } from 'vitest';
import { fastifyTrustProxy, parseTrustProxy } from './trust-proxy.js';

describe('parseTrustProxy', () => {
  it('reads a hop count, addresses and ranges; true is one hop, never trust-all', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('true')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.5, 10.1.0.0/16,::1')).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
  });

  it('trusts only the configured hops or addresses', () => {
    const oneHop = fastifyTrustProxy(true) as (address: string, hop: number) => boolean;
    expect([oneHop('203.0.113.9', 0), oneHop('203.0.113.9', 1)]).toEqual([true, false]);
    const listed = fastifyTrustProxy(['10.0.0.5', '10.1.0.0/16']) as (address: string, hop: number) => boolean;
    expect([listed('10.0.0.5', 0), listed('::ffff:10.1.2.3', 0), listed('10.2.0.1', 0), listed('1.2.3.4', 1)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(fastifyTrustProxy(false)).toBe(false);
  });

  it('refuses what is neither', () => {
    for (const bad of ['yes', 'proxy.local', '10.0.0.0/40', '10.0.0.1/8/1', '99'])
      expect(() => parseTrustProxy(bad)).toThrow(/DHKIT_TRUST_PROXY/);
  });
});
