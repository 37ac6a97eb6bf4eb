/**
 * Whether a speech voice speaks a language. espeak-ng voices are named by language tag (`cmn`, `en-us`,
 * `yue`, `en-gb-scotland`…), so the tag's first subtag says what it speaks. Voices of other engines
 * (OpenAI's `alloy`…) are multilingual and always match.
 */
import type { LanguageCode, TtsConfig } from '@dhkit/protocol';

/** First subtags of espeak-ng voices per language. */
const ESPEAK_LANGUAGE_TAGS: Record<LanguageCode, readonly string[]> = {
  zh_CN: ['cmn', 'zh', 'yue', 'hak'],
  en_US: ['en'],
};

export function voiceSpeaks(voice: string, language: LanguageCode, tts?: TtsConfig): boolean {
  if (tts && tts.type !== 'espeak') return true;
  const primary = voice.toLowerCase().split(/[-_/+]/)[0];
  return ESPEAK_LANGUAGE_TAGS[language].includes(primary);
}
