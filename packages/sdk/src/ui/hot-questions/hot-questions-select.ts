import type { HotQuestion, LanguageCode } from '@dhkit/protocol';

/** Most chips shown at once; more would crowd a phone screen. */
const MAX_HOT_QUESTIONS = 6;

/**
 * The robot's hot questions for one language, in the robot's order: trimmed, blank and duplicate ones
 * dropped, at most `max`.
 */
export function hotQuestionsFor(questions: readonly HotQuestion[] | undefined, language: LanguageCode, max = MAX_HOT_QUESTIONS): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const question of questions ?? []) {
    if (out.length >= max) break;
    if (question?.language !== language || typeof question.text !== 'string') continue;
    const text = question.text.trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}

/** Where focus goes from chip `index` on a key press (arrows wrap; Home/End), or null for other keys. */
export function chipFocusTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return (index + 1) % count;
    case 'ArrowLeft':
    case 'ArrowUp':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
