/**
 * The origin the server hands out in URLs (the avatar pack a renderer loads, anything put in a message).
 * It is configured (`DHKIT_PUBLIC_URL`) or, without configuration, the address the server listens on — never
 * the client's Host or X-Forwarded-Host, which a visitor writes (a forged Host once sent a renderer's
 * Chromium to an attacker's host).
 */
import type { AddressInfo } from 'node:net';

export class PublicUrlError extends Error {}

/**
 * `https://talk.example.com` (a trailing `/` is fine): an http(s) origin, with no credentials, path, query or
 * fragment, since it is only ever the prefix of server paths.
 */
export function parsePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PublicUrlError(`DHKIT_PUBLIC_URL must be an http(s) origin such as https://talk.example.com, not "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PublicUrlError('DHKIT_PUBLIC_URL must use http or https.');
  if (url.username || url.password) throw new PublicUrlError('DHKIT_PUBLIC_URL must not carry a user name or password.');
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new PublicUrlError('DHKIT_PUBLIC_URL is an origin only (no path, query or fragment): the server serves from its root.');
  }
  return url.origin;
}

/** The listen address as a URL a process on this machine can reach (a wildcard listener answers on loopback). */
export function listenOrigin(address: AddressInfo): string {
  const { address: host, port } = address;
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The server's public origin: the configured one, else its listen address once it listens. */
export class PublicUrl {
  private listening: string | null = null;

  constructor(private readonly configured: string | null) {}

  /** Whether an operator set it (a server without it only serves renderers on its own machine). */
  get isConfigured(): boolean {
    return this.configured !== null;
  }

  bindListenAddress(address: AddressInfo | string | null): void {
    if (address && typeof address === 'object') this.listening = listenOrigin(address);
  }

  get origin(): string {
    const origin = this.configured ?? this.listening;
    // Only a server that never listened (an injected test app) gets here; its URLs name no reachable host.
    return origin ?? 'http://127.0.0.1';
  }
}
