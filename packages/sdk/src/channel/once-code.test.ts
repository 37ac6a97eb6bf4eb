import { describe, expect, it } from 'vitest';
import { DHKitError } from '../core/errors.js';
import { onceCodeSource } from './once-code.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DHKitError);
    return (error as DHKitError).code;
  }
  return undefined;
}

describe('onceCodeSource', () => {
  it('serves a string once: a second session needs a function', async () => {
    const next = onceCodeSource(' abc ');
    await expect(next()).resolves.toBe('abc');
    expect(await codeOf(next())).toBe('ONCE_CODE_INVALID');
  });

  it('calls a function for every session', async () => {
    let minted = 0;
    const next = onceCodeSource(async () => `code-${++minted}`);
    await expect(next()).resolves.toBe('code-1');
    await expect(next()).resolves.toBe('code-2');
    const sync = onceCodeSource(() => 'plain');
    await expect(sync()).resolves.toBe('plain');
  });

  it('turns a failing or empty function into ONCE_CODE_INVALID, keeping DHKitErrors as they are', async () => {
    expect(await codeOf(onceCodeSource(async () => '  ')())).toBe('ONCE_CODE_INVALID');
    expect(await codeOf(onceCodeSource((() => 42) as unknown as () => string)())).toBe('ONCE_CODE_INVALID');
    expect(await codeOf(onceCodeSource(async () => Promise.reject(new TypeError('fetch failed')))())).toBe('ONCE_CODE_INVALID');
    expect(await codeOf(onceCodeSource(async () => Promise.reject(DHKitError.fromCode('NETWORK_ERROR')))())).toBe('NETWORK_ERROR');
  });
});
