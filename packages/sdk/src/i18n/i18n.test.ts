import { ERROR_CODES, SUPPORTED_LANGUAGES } from '@dhkit/protocol';
import { describe, expect, it } from 'vitest';
import { isWeakError, languageFromLocale, languageTag, t, UI_STRINGS, VISITOR_ERROR_TEXTS, visitorErrorText } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('UI strings', () => {
  it('has the same keys, non-empty, in every supported language', () => {
    const english = Object.keys(UI_STRINGS.en_US).sort();
    for (const language of SUPPORTED_LANGUAGES) {
      expect(Object.keys(UI_STRINGS[language]).sort(), language).toEqual(english);
      for (const key of english)
        expect(UI_STRINGS[language][key as keyof typeof UI_STRINGS.en_US].trim(), `${language}.${key}`).not.toBe('');
    }
  });

  it('uses the same parameters in every language', () => {
    for (const key of Object.keys(UI_STRINGS.en_US) as (keyof typeof UI_STRINGS.en_US)[]) {
      expect(placeholders(UI_STRINGS.zh_CN[key]), key).toEqual(placeholders(UI_STRINGS.en_US[key]));
    }
  });

  it('is really translated: Chinese strings contain Chinese, English ones do not', () => {
    for (const [key, text] of Object.entries(UI_STRINGS.zh_CN)) {
      if (key === 'aiLabel') continue; // "AI 生成"
      expect(text, key).toMatch(/[\u4e00-\u9fff]/);
    }
    for (const [key, text] of Object.entries(UI_STRINGS.en_US)) expect(text, key).not.toMatch(/[\u4e00-\u9fff]/);
    expect(UI_STRINGS.zh_CN.aiLabel).toBe('AI 生成');
    expect(UI_STRINGS.en_US.aiLabel).toBe('AI-generated');
  });

  it('t() fills parameters and falls back to English for an unknown language', () => {
    expect(t('en_US', 'mediaPosition', { index: 2, count: 5 })).toBe('2 of 5');
    expect(t('zh_CN', 'mediaPosition', { index: 2, count: 5 })).toBe('第 2 个，共 5 个');
    expect(t('fr_FR', 'send')).toBe('Send');
    expect(t(undefined, 'send')).toBe('Send');
    expect(t('en_US', 'openImage', {})).toBe('Open picture: {name}');
  });
});

describe('visitor error texts', () => {
  it('covers every catalog code in every language', () => {
    for (const code of ERROR_CODES) {
      for (const language of SUPPORTED_LANGUAGES) {
        expect(VISITOR_ERROR_TEXTS[code]?.[language]?.trim(), `${code} ${language}`).toBeTruthy();
      }
    }
  });

  it('tells the visitor what to do, in their language', () => {
    expect(visitorErrorText('CONCURRENCY_LIMIT', 'en_US')).toBe('Many visitors are talking right now — please try again in a minute.');
    expect(visitorErrorText('CONCURRENCY_LIMIT', 'zh_CN')).toBe('当前咨询人数较多，请稍后再试。');
    expect(visitorErrorText('QUESTION_TOO_LONG', 'en_US')).toContain('500 characters');
    expect(visitorErrorText('QUESTION_TOO_LONG', 'zh_CN')).toContain('500 字');
  });

  it('reads an unknown code as an internal error, never blank', () => {
    expect(visitorErrorText('SOMETHING_NEW', 'en_US')).toBe(VISITOR_ERROR_TEXTS.INTERNAL_ERROR.en_US);
  });

  it('never shows integrator vocabulary to visitors', () => {
    for (const [code, texts] of Object.entries(VISITOR_ERROR_TEXTS)) {
      expect(texts.en_US, code).not.toMatch(/once-code|concurrency|robot|operator|HTTP/i);
      expect(texts.zh_CN, code).not.toMatch(/鉴权码|并发|运营者/);
    }
  });

  it('never tells the visitor to configure anything (only to ask the site owner)', () => {
    const texts = [...Object.values(VISITOR_ERROR_TEXTS), UI_STRINGS.en_US, UI_STRINGS.zh_CN].flatMap((t) => Object.values(t));
    for (const text of texts) {
      expect(text).not.toMatch(/\b(raise|increase|configure|install|enable)\b|maxConcurrency|allowedOrigins|DHKIT_|espeak|server/i);
      expect(text).not.toMatch(/运营者|并发|配置|安装|服务器设置/);
    }
  });

  it('marks speech synthesis and blocked media as weak, admission refusals as not', () => {
    expect(isWeakError('SPEECH_SYNTHESIS_FAILED')).toBe(true);
    expect(isWeakError('MEDIA_BLOCKED')).toBe(true);
    expect(isWeakError('CONCURRENCY_LIMIT')).toBe(false);
    expect(isWeakError('NETWORK_ERROR')).toBe(false);
  });
});

describe('languages', () => {
  it('guesses the UI language from the browser locale', () => {
    expect(languageFromLocale('zh-CN')).toBe('zh_CN');
    expect(languageFromLocale('zh-Hans-SG')).toBe('zh_CN');
    expect(languageFromLocale('ZH')).toBe('zh_CN');
    expect(languageFromLocale('en-GB')).toBe('en_US');
    expect(languageFromLocale('de')).toBe('en_US');
    expect(languageFromLocale(undefined)).toBe('en_US');
  });

  it('maps language codes to BCP 47 tags', () => {
    expect(languageTag('zh_CN')).toBe('zh-CN');
    expect(languageTag('en_US')).toBe('en-US');
  });
});
