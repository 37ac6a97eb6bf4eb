/**
 * Which proxies' X-Forwarded-For may name the client address (the key of once-code and admin lockouts).
 * Only addresses written by proxies we trust count: the leftmost entry is written by the client itself, so
 * "trust everything" would let a visitor pick its own address (rotate it to dodge a lockout, or lock a victim
 * out). DHKIT_TRUST_PROXY is therefore a hop count (the number of proxies in front of the server) or the
 * proxies' addresses / CIDR ranges, never a plain "trust all".
 */
import { BlockList, isIP } from 'node:net';

/** false: no proxy; a number: that many proxies; a list: proxies at those addresses or ranges. */
export type TrustProxySetting = false | number | string[];

export class TrustProxyError extends Error {}

/** Reads DHKIT_TRUST_PROXY: unset/0/false, a hop count (1 = one proxy), or comma-separated addresses/CIDRs. */
export function parseTrustProxy(value: string | undefined): TrustProxySetting {
  const text = value?.trim() ?? '';
  if (text === '' || text === '0' || text.toLowerCase() === 'false') return false;
  // "true" meant "behind a proxy": one hop, the address that proxy saw (not the client-written leftmost one).
  if (text.toLowerCase() === 'true') return 1;
  if (/^[0-9]+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new TrustProxyError(`DHKIT_TRUST_PROXY: ${hops} hops is not a sane proxy chain (at most 32).`);
    return hops;
  }
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^[0-9]+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new TrustProxyError(
        `DHKIT_TRUST_PROXY: "${entry}" is neither a hop count nor a proxy address or CIDR range (e.g. 1, or 10.0.0.5,10.1.0.0/16).`,
      );
    }
  }
  return entries;
}

/**
 * The setting as fastify's trustProxy function: whether the peer `address` at `hop` (0 = the socket's peer) is a
 * proxy whose X-Forwarded-For entry to trust. `true` is taken as one hop; nothing ever trusts every hop.
 */
export function fastifyTrustProxy(setting: TrustProxySetting | boolean | undefined): false | ((address: string, hop: number) => boolean) {
  if (setting === true) setting = 1;
  if (!setting) return false;
  if (typeof setting === 'number') {
    const hops = setting;
    return (_address, hop) => hop < hops;
  }
  const proxies = new BlockList();
  for (const entry of setting) {
    const [address, bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) proxies.addAddress(address, type);
    else proxies.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    return family !== 0 && proxies.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}
