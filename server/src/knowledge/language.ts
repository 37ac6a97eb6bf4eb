import type { LanguageCode } from '@dhkit/protocol';

const HAN = /\p{Script=Han}/u;

/** The language of a text, as far as dhkit tells them apart: Han characters → zh_CN, anything else → en_US. */
export function detectLanguage(text: string): LanguageCode {
  return HAN.test(text) ? 'zh_CN' : 'en_US';
}
