import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../channel/admission.js';
import { DHKitError, toDHKitError } from './errors.js';

describe('DHKitError.fromServer', () => {
  it('takes code and message from a server error body', () => {
    const body = { error: { code: 'ONCE_CODE_INVALID', message: 'used already' } };
    const error = DHKitError.fromServer(body, 401);
    expect(error).toBeInstanceOf(DHKitError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ONCE_CODE_INVALID');
    expect(error.message).toBe('used already');
    expect(error.compat).toBe('MSS.47010046');
    expect(error.cause).toBe(body);
    expect(error.name).toBe('DHKitError');
  });

  it("uses the catalog's message when the body has none", () => {
    const error = DHKitError.fromServer({ error: { code: 'CONCURRENCY_LIMIT' } }, 429);
    expect(error.code).toBe('CONCURRENCY_LIMIT');
    expect(error.message).toMatch(/Many visitors/);
  });

  it.each([
    [null, 502, 'NETWORK_ERROR'],
    ['<html>Bad gateway</html>', 502, 'NETWORK_ERROR'],
    [{ error: { code: 'NO_SUCH_CODE', message: 'x' } }, 400, 'INVALID_REQUEST'],
    [{ error: 'ONCE_CODE_INVALID' }, 429, 'SERVER_BUSY'],
    [{}, 404, 'NOT_FOUND'],
    [[], 500, 'INTERNAL_ERROR'],
    [undefined, undefined, 'INTERNAL_ERROR'],
  ])('maps a malformed body %j with HTTP %s to %s', (body, status, code) => {
    const error = DHKitError.fromServer(body, status);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    if (status !== undefined) expect(error.message).toContain(`HTTP ${status}`);
  });
});

describe('DHKitError.fromCode', () => {
  it('uses the catalog message in the asked language, en_US by default', () => {
    expect(DHKitError.fromCode('SESSION_ENDED').message).toBe('The session has ended.');
    expect(DHKitError.fromCode('SESSION_ENDED', 'zh_CN').message).toBe('对话已结束。');
  });

  it('keeps the cause', () => {
    const cause = new TypeError('Failed to fetch');
    const error = DHKitError.fromCode('NETWORK_ERROR', undefined, cause);
    expect(error.cause).toBe(cause);
    expect(toDHKitError(error)).toBe(error);
    expect(toDHKitError(cause, 'NETWORK_ERROR').code).toBe('NETWORK_ERROR');
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'NETWORK_ERROR', message: error.message });
  });
});

describe('Retry-After', () => {
  it("keeps the server's Retry-After (seconds) on the error, and nothing for forms it does not send", () => {
    expect(DHKitError.fromServer({ error: { code: 'SERVER_BUSY', message: 'busy' } }, 503, retryAfterMs('5')).retryAfterMs).toBe(5000);
    expect(DHKitError.fromServer(null, 503).retryAfterMs).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(retryAfterMs(' 12 ')).toBe(12_000);
  });
});
