import { describe, expect, it } from 'vitest';
import DhAiLabel from './ai-label.component.js';

/** The text parts of a Lit template result, nested ones included. */
function texts(result: unknown): string[] {
  const { strings, values } = result as { strings: readonly string[]; values: unknown[] };
  return [
    ...strings,
    ...values.flatMap((value) =>
      typeof value === 'string' ? [value] : value && typeof value === 'object' && 'strings' in value ? texts(value) : [],
    ),
  ];
}

describe('<dh-ai-label>', () => {
  it('is defined as dh-ai-label', () => {
    DhAiLabel.define();
    expect(customElements.get('dh-ai-label')).toBe(DhAiLabel);
  });

  it('says the answers are AI-generated, in the UI language', () => {
    const label = new DhAiLabel();
    const render = () => texts((label as unknown as { render(): unknown }).render()).join('');
    expect(render()).toContain('AI-generated');
    label.language = 'zh_CN';
    expect(render()).toContain('AI 生成');
  });
});
