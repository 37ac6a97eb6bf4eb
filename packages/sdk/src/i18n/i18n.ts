/** UI language helpers: string lookup with parameters, visitor error texts, locale guessing. */
import { isErrorCode, isLanguageCode, LIMITS, type LanguageCode } from '@dhkit/protocol';
import { VISITOR_ERROR_TEXTS, WEAK_ERROR_CODES, type VisitorErrorCode } from './error-texts.js';
import { UI_STRINGS, type UiStringKey } from './strings.js';

export { LANGUAGE_NAMES, UI_STRINGS, type UiStringKey } from './strings.js';
export { VISITOR_ERROR_TEXTS } from './error-texts.js';

const FALLBACK_LANGUAGE: LanguageCode = 'en_US';

function fill(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** A UI string in `language` (English for an unknown language), with `{name}` parameters filled. */
export function t(
  language: LanguageCode | string | undefined,
  key: UiStringKey,
  params?: Readonly<Record<string, string | number>>,
): string {
  const table = UI_STRINGS[isLanguageCode(language) ? language : FALLBACK_LANGUAGE];
  return fill(table[key], params);
}

function isVisitorErrorCode(code: unknown): code is VisitorErrorCode {
  return isErrorCode(code) || code === 'MEDIA_BLOCKED';
}

/** What a visitor reads for an error code; unknown codes read as INTERNAL_ERROR. */
export function visitorErrorText(code: string, language: LanguageCode | string | undefined): string {
  const known: VisitorErrorCode = isVisitorErrorCode(code) ? code : 'INTERNAL_ERROR';
  const texts = VISITOR_ERROR_TEXTS[known];
  return fill(texts[isLanguageCode(language) ? language : FALLBACK_LANGUAGE], { max: LIMITS.questionMaxChars });
}

/** True for errors after which the conversation goes on (shown only with `enableWeakErrorInfo`). */
export function isWeakError(code: string): boolean {
  return WEAK_ERROR_CODES.has(code as VisitorErrorCode);
}

/** The UI language for a browser locale (`navigator.language`): Chinese locales → zh_CN, else en_US. */
export function languageFromLocale(locale: string | undefined | null): LanguageCode {
  return typeof locale === 'string' && /^zh\b/i.test(locale.trim()) ? 'zh_CN' : 'en_US';
}

/** The BCP 47 tag for `lang` attributes (screen readers pick their voice from it). */
export function languageTag(language: LanguageCode | string | undefined): string {
  return language === 'zh_CN' ? 'zh-CN' : 'en-US';
}
