import { describe, expect, it } from 'vitest';
import { listenOrigin, parsePublicUrl, PublicUrl } from './public-url.js';

describe('public URL', () => {
  it('accepts an http(s) origin and refuses anything more or less', () => {
    expect(parsePublicUrl('https://talk.example.com/')).toBe('https://talk.example.com');
    expect(parsePublicUrl('http://10.0.0.5:8080')).toBe('http://10.0.0.5:8080');
    for (const bad of [
      'talk.example.com',
      'ftp://x.example',
      'https://a:b@x.example',
      'https://x.example/dhkit',
      'https://x.example/?a=1',
    ]) {
      expect(() => parsePublicUrl(bad), bad).toThrow(/DHKIT_PUBLIC_URL/);
    }
  });

  it('falls back to the listen address, on loopback for a wildcard listener', () => {
    expect(listenOrigin({ address: '0.0.0.0', family: 'IPv4', port: 8080 })).toBe('http://127.0.0.1:8080');
    expect(listenOrigin({ address: '::', family: 'IPv6', port: 8080 })).toBe('http://[::1]:8080');
    const url = new PublicUrl(null);
    url.bindListenAddress({ address: '192.0.2.4', family: 'IPv4', port: 9000 });
    expect(url.origin).toBe('http://192.0.2.4:9000');
    const configured = new PublicUrl('https://talk.example.com');
    configured.bindListenAddress({ address: '127.0.0.1', family: 'IPv4', port: 9000 });
    expect(configured.origin).toBe('https://talk.example.com');
  });
});
