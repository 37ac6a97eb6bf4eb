import { describe, expect, it } from 'vitest';
import { DHKitError } from './errors.js';
import { LanguageRequest } from './language-request.js';

describe('LanguageRequest', () => {
  it('resolves when the server switches to the language asked for', async () => {
    const request = new LanguageRequest();
    const agreed = request.wait('zh_CN', DHKitError.fromCode('LANGUAGE_NOT_SUPPORTED'));
    expect(request.pending).toBe(true);
    request.handleLanguageChanged('zh_CN');
    await expect(agreed).resolves.toBeUndefined();
    expect(request.pending).toBe(false);
  });

  it('rejects the older request when a newer one comes, and on a refusal', async () => {
    const request = new LanguageRequest();
    const first = request.wait('zh_CN', DHKitError.fromCode('LANGUAGE_NOT_SUPPORTED'));
    const second = request.wait('en_US', DHKitError.fromCode('LANGUAGE_NOT_SUPPORTED'));
    await expect(first).rejects.toMatchObject({ code: 'LANGUAGE_NOT_SUPPORTED' });
    request.handleRefused(DHKitError.fromCode('SESSION_ENDED'));
    await expect(second).rejects.toMatchObject({ code: 'SESSION_ENDED' });
  });

  it('drops a request when the server switches to another language', () => {
    const request = new LanguageRequest();
    void request.wait('zh_CN', DHKitError.fromCode('LANGUAGE_NOT_SUPPORTED'));
    request.handleLanguageChanged('en_US');
    expect(request.pending).toBe(false);
  });
});
