import { describe, expect, it } from 'vitest';
import DhLanguageSwitch from './language-switch.component.js';

function chosen(element: DhLanguageSwitch, code: 'zh_CN' | 'en_US'): string[] {
  const seen: string[] = [];
  element.addEventListener('dh-language-change', (event) => seen.push(`${event.detail.langCode} ${event.bubbles} ${event.composed}`));
  (element as unknown as { choose(code: string): void }).choose(code);
  return seen;
}

describe('<dh-language-switch>', () => {
  it('is defined as dh-language-switch', () => {
    DhLanguageSwitch.define();
    expect(customElements.get('dh-language-switch')).toBe(DhLanguageSwitch);
  });

  it('asks for another language with a bubbling, composed dh-language-change', () => {
    const element = new DhLanguageSwitch();
    element.language = 'en_US';
    expect(chosen(element, 'zh_CN')).toEqual(['zh_CN true true']);
  });

  it('stays quiet for the language in use, and while disabled', () => {
    const element = new DhLanguageSwitch();
    element.language = 'en_US';
    expect(chosen(element, 'en_US')).toEqual([]);
    element.disabled = true;
    expect(chosen(element, 'zh_CN')).toEqual([]);
  });
});
