/** What a robot says when it cannot answer: per language, overridable in the robot's brain config. */
import type { LanguageCode, Robot } from '@dhkit/protocol';
import { detectLanguage } from './knowledge/tokenize.js';

export const FALLBACK_ANSWERS: Record<LanguageCode, string> = {
  zh_CN: '抱歉，这个问题我还不会回答。您可以换个说法，或者问问我能做什么。',
  en_US: "Sorry, I don't know that yet. Try asking in other words, or ask me what I can do.",
};

export function fallbackAnswer(robot: Pick<Robot, 'brain'>, language: LanguageCode): string {
  return robot.brain.fallbackAnswers?.[language] ?? FALLBACK_ANSWERS[language];
}

/** The language to answer in: the question's (Han → zh_CN, else en_US) if the robot speaks it, else the session's. */
export function answerLanguage(question: string, robot: Pick<Robot, 'languages'>, sessionLanguage: LanguageCode): LanguageCode {
  const detected = detectLanguage(question);
  return robot.languages.includes(detected) ? detected : sessionLanguage;
}

/** "Did you mean …?" as a sentence in `language`. */
export function suggestionSentence(language: LanguageCode, questions: readonly string[]): string {
  const strip = (q: string) => q.trim().replace(/[?？。.!！]+$/u, '');
  if (language === 'zh_CN') {
    return `我不太确定您的意思。您是想问${questions.map((q) => `“${strip(q)}”`).join('，还是')}？`;
  }
  return `I'm not sure what you mean. Did you mean ${questions.map((q) => `"${strip(q)}"`).join(', or ')}?`;
}
