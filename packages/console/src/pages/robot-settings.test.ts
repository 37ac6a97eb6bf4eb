import { describe, expect, it } from 'vitest';
import { readBrain } from './robot-settings.js';
import type { FormReader } from './setting-fields.js';

/** The robot form's inputs as the operator left them (name → text); checkboxes are unchecked. */
const formWith = (values: Record<string, string>): FormReader => ({
  value: (name) => values[name] ?? '',
  checked: () => false,
});

describe('reading a knowledge brain from the robot form', () => {
  it('keeps a grounding LLM and an embeddings endpoint the form fills in', () => {
    const brain = readBrain(
      formWith({
        'brain.llm.baseUrl': 'https://llm.example/v1',
        'brain.llm.model': 'small',
        'brain.llm.apiKey': 'sk-…abcd',
        'brain.embeddings.baseUrl': 'https://emb.example/v1',
        'brain.embeddings.model': 'vectors',
      }),
      'knowledge',
    );
    expect(brain).toMatchObject({
      type: 'knowledge',
      llm: { baseUrl: 'https://llm.example/v1', model: 'small', apiKey: 'sk-…abcd' },
      embeddings: { baseUrl: 'https://emb.example/v1', model: 'vectors' },
    });
  });

  it('drops an endpoint whose URL and model the operator emptied, with the masked key and tuning left beside them', () => {
    // The password input still holds the masked key, and a timeout may still be typed in: the endpoint is gone all the same.
    const brain = readBrain(
      formWith({
        'brain.llm.apiKey': 'sk-…abcd',
        'brain.llm.timeoutMs': '9000',
        'brain.embeddings.apiKey': 'sk-…wxyz',
        'brain.embeddings.minSimilarity': '0.6',
        'brain.threshold': '0.4',
      }),
      'knowledge',
    );
    expect(brain).toEqual({ type: 'knowledge', threshold: 0.4 });
  });

  it('sends a half-filled endpoint as typed, so the server names the missing field', () => {
    const brain = readBrain(formWith({ 'brain.llm.model': 'small' }), 'knowledge');
    expect(brain).toMatchObject({ llm: { model: 'small' } });
  });
});
