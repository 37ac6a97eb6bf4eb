import { describe, expect, it, vi } from 'vitest';
import { DHKitError } from '../core/errors.js';
import { toDhkitConfig } from './config-keys.js';
import { pcmFromAudioData } from './custom-audio.js';
import { referenceJobInfo, referencePayload } from './event-payloads.js';
import { compatCode, failure, settle } from './results.js';

describe('HwICSUiSdk results', () => {
  it('carries the MSS code where the catalog has one, else the dhkit code', () => {
    expect(compatCode('QUESTION_EMPTY')).toBe('MSS.47010146');
    expect(compatCode('CONCURRENCY_LIMIT')).toBe('MSS.20010135');
    expect(compatCode('SESSION_ENDED')).toBe('SESSION_ENDED');
    expect(failure(DHKitError.fromCode('QUESTION_TOO_LONG'))).toMatchObject({
      result: false,
      errorCode: 'MSS.47010145',
      dhkitCode: 'QUESTION_TOO_LONG',
    });
  });

  it('settles a throwing call as a failed result instead of rejecting', async () => {
    await expect(settle(() => ({ chatId: 'c1' }))).resolves.toEqual({ chatId: 'c1', result: true });
    const failed = await settle(() => {
      throw DHKitError.fromCode('NOT_IN_TEXT_MODE');
    });
    expect(failed).toMatchObject({ result: false, errorCode: 'MSS.47010144' });
    expect((await settle(() => JSON.parse('{'))).errorCode).toBe('INTERNAL_ERROR');
  });
});

describe('HwICSUiSdk event payloads', () => {
  it('gives error events the MSS code and keeps the others as dhkit fires them', () => {
    expect(referencePayload('error', { code: 'CONCURRENCY_LIMIT', message: 'busy' })).toEqual({
      code: 'MSS.20010135',
      message: 'busy',
      dhkitCode: 'CONCURRENCY_LIMIT',
    });
    const segment = { chatId: 'c', text: 'hi', isLast: true };
    expect(referencePayload('semanticRecognized', segment)).toBe(segment);
  });

  it("reports jobId '' until the task is ready, as the reference does", () => {
    const job = {
      jobId: 's1',
      sessionId: 's1',
      robotId: 'r',
      state: 'CONNECTING',
      interactionMode: null,
      language: null,
      mediaMode: 'local',
    } as const;
    expect(referenceJobInfo(job).jobId).toBe('');
    expect(referenceJobInfo({ ...job, state: 'READY' }).jobId).toBe('s1');
    expect(referenceJobInfo(null)).toEqual({ jobId: '', websocketAddr: '', jobInfo: null });
  });

  it('names each language in the language list', () => {
    expect(referencePayload('languageInfoChange', { currentLanguage: 'zh_CN', languageList: ['zh_CN', 'en_US'] })).toEqual({
      result: true,
      currentLanguage: 'zh_CN',
      languageList: [
        { language: 'zh_CN', language_desc: '中文' },
        { language: 'en_US', language_desc: 'English' },
      ],
    });
  });
});

describe('HwICSUiSdk config and audio', () => {
  it('drops reference-only config keys with one warning each and passes the rest to dhkit', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const kept = toDhkitConfig({ enableCaption: true, enableJobCache: true, enableNetworkCheck: false });
    toDhkitConfig({ enableJobCache: false });
    expect(kept).toEqual({ enableCaption: true });
    expect(warn.mock.calls.filter((call) => call.join(' ').includes('enableJobCache'))).toHaveLength(1);
    warn.mockRestore();
  });

  it('reads 16-bit PCM from bytes or base64 and rejects what is not PCM', () => {
    const bytes = new Uint8Array([0x01, 0x00, 0xff, 0xff]);
    expect([...pcmFromAudioData({ uint8Arr: bytes })]).toEqual([1, -1]);
    expect([...pcmFromAudioData({ base64Data: Buffer.from(bytes).toString('base64') })]).toEqual([1, -1]);
    expect(() => pcmFromAudioData({ uint8Arr: new Uint8Array(3) })).toThrow(DHKitError);
    expect(() => pcmFromAudioData({ base64Data: '***' })).toThrow(/base64/);
    expect(() => pcmFromAudioData(undefined)).toThrow(DHKitError);
  });
});
