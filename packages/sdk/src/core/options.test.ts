import { describe, expect, it } from 'vitest';
import { checkCreateOptions } from './options.js';
import type { DHKitError } from './errors.js';

const good = { serverAddress: 'dh.example.com', robotId: 'demo', onceCode: 'abc123', containerId: 'dh' };

function codeOf(options: unknown): string | undefined {
  try {
    checkCreateOptions(options);
  } catch (error) {
    return (error as DHKitError).code;
  }
  return undefined;
}

describe('checkCreateOptions', () => {
  it('normalizes the address and defaults the log level', () => {
    const checked = checkCreateOptions(good);
    expect(checked.address.httpBase).toBe('https://dh.example.com');
    expect(checked.logLevel).toBe('warn');
    expect(checked.robotId).toBe('demo');
  });

  it('rejects bad options with INVALID_REQUEST', () => {
    expect(codeOf(undefined)).toBe('INVALID_REQUEST');
    expect(codeOf({ ...good, serverAddress: 'ftp://x' })).toBe('INVALID_REQUEST');
    expect(codeOf({ ...good, robotId: '' })).toBe('INVALID_REQUEST');
    expect(codeOf({ ...good, onceCode: 7 })).toBe('INVALID_REQUEST');
    expect(codeOf({ ...good, logLevel: 'loud' })).toBe('INVALID_REQUEST');
    expect(codeOf({ ...good, eventListeners: 'x' })).toBe('INVALID_REQUEST');
  });
});
