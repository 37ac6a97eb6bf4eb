import { describe, expect, it } from 'vitest';
import { chipFocusTarget, hotQuestionsFor } from './hot-questions-select.js';

describe('hot questions', () => {
  const list = [
    { language: 'en_US' as const, text: ' Opening hours? ' },
    { language: 'zh_CN' as const, text: '营业时间？' },
    { language: 'en_US' as const, text: 'Opening hours?' },
    { language: 'en_US' as const, text: '   ' },
    { language: 'en_US' as const, text: 'Where are you?' },
  ];

  it('keeps the language asked for, trimmed, without blanks or duplicates, in order', () => {
    expect(hotQuestionsFor(list, 'en_US')).toEqual(['Opening hours?', 'Where are you?']);
    expect(hotQuestionsFor(list, 'zh_CN')).toEqual(['营业时间？']);
    expect(hotQuestionsFor(undefined, 'zh_CN')).toEqual([]);
  });

  it('shows at most a handful', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ language: 'en_US' as const, text: `Q${i}` }));
    expect(hotQuestionsFor(many, 'en_US')).toHaveLength(6);
    expect(hotQuestionsFor(many, 'en_US', 2)).toEqual(['Q0', 'Q1']);
  });

  it('moves focus with arrows (wrapping), Home and End', () => {
    expect(chipFocusTarget('ArrowRight', 2, 3)).toBe(0);
    expect(chipFocusTarget('ArrowLeft', 0, 3)).toBe(2);
    expect(chipFocusTarget('ArrowDown', 0, 3)).toBe(1);
    expect(chipFocusTarget('Home', 2, 3)).toBe(0);
    expect(chipFocusTarget('End', 0, 3)).toBe(2);
    expect(chipFocusTarget('Enter', 0, 3)).toBeNull();
    expect(chipFocusTarget('ArrowRight', 0, 0)).toBeNull();
  });
});

describe('<dh-hot-questions>', () => {
  it('asks the chip clicked with a cancelable dh-question, and nothing while disabled', async () => {
    const { default: DhHotQuestions } = await import('./hot-questions.component.js');
    DhHotQuestions.define();
    expect(customElements.get('dh-hot-questions')).toBe(DhHotQuestions);
    const chips = new DhHotQuestions();
    const asked: Array<{ text: string; cancelable: boolean }> = [];
    chips.addEventListener('dh-question', (event) => asked.push({ text: event.detail.text, cancelable: event.cancelable }));
    const ask = (text: string) => (chips as unknown as { ask(text: string): void }).ask(text);
    ask('Opening hours?');
    chips.disabled = true;
    ask('Where are you?');
    expect(asked).toEqual([{ text: 'Opening hours?', cancelable: true }]);
  });
});
