import { describe, expect, it } from 'vitest';
import { DHKitError } from '../core/errors.js';
import { channelUrl, normalizeServerAddress, sessionsUrl } from './server-address.js';

describe('normalizeServerAddress', () => {
  it('treats a bare host as https', () => {
    expect(normalizeServerAddress('example.com:8443')).toEqual({
      httpBase: 'https://example.com:8443',
      wsBase: 'wss://example.com:8443',
    });
    expect(normalizeServerAddress('example.com').httpBase).toBe('https://example.com');
  });

  it('keeps a path and drops trailing slashes', () => {
    const address = normalizeServerAddress('https://Example.com/dh/api///');
    expect(address.httpBase).toBe('https://example.com/dh/api');
    expect(sessionsUrl(address)).toBe('https://example.com/dh/api/v1/sessions');
    expect(normalizeServerAddress('https://example.com/').httpBase).toBe('https://example.com');
  });

  it('derives ws from http and wss from https', () => {
    const local = normalizeServerAddress('http://localhost:8080');
    expect(local.wsBase).toBe('ws://localhost:8080');
    expect(channelUrl(local, '/v1/sessions/abc/channel')).toBe('ws://localhost:8080/v1/sessions/abc/channel');
    const prod = normalizeServerAddress('https://dh.example.com/base/');
    expect(channelUrl(prod, '/v1/sessions/abc/channel')).toBe('wss://dh.example.com/base/v1/sessions/abc/channel');
    expect(channelUrl(prod, 'v1/x')).toBe('wss://dh.example.com/base/v1/x');
  });

  it('drops the default port and trims whitespace', () => {
    expect(normalizeServerAddress('  https://example.com:443  ').httpBase).toBe('https://example.com');
    expect(normalizeServerAddress('127.0.0.1:8080').wsBase).toBe('wss://127.0.0.1:8080');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    [undefined, 'missing'],
    [42, 'a number'],
    ['ftp://example.com', 'another scheme'],
    ['javascript://alert(1)', 'javascript scheme'],
    ['https://user:pw@example.com', 'credentials'],
    ['https://example.com/?a=1', 'a query'],
    ['https://example.com/#x', 'a fragment'],
    ['https://exa mple.com', 'a space in the host'],
    ['https://', 'no host'],
  ] as Array<[unknown, string]>)('rejects %j (%s) with INVALID_REQUEST', (input) => {
    let caught: unknown;
    try {
      normalizeServerAddress(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DHKitError);
    expect((caught as DHKitError).code).toBe('INVALID_REQUEST');
  });
});
