import { describe, expect, it } from 'vitest';
import type { Robot } from '@dhkit/protocol';
import { buildRobot } from '../../routes/robots.js';
import { DEMO_KNOWLEDGE } from '../../demo/demo-knowledge.js';
import type { KnowledgeEntry } from '../../store/store.js';
import { FALLBACK_ANSWERS, KnowledgeBrain, KnowledgeIndex, detectLanguage } from './knowledge-brain.js';

const entries: KnowledgeEntry[] = DEMO_KNOWLEDGE.map((entry, i) => ({
  ...entry,
  similarQuestions: entry.similarQuestions ?? [],
  id: i + 1,
  robotId: 'demo',
  createdAt: '',
}));
const robot: Robot = buildRobot({ id: 'demo', name: 'demo', languages: ['zh_CN', 'en_US'], defaultLanguage: 'zh_CN' });

async function ask(question: string, target: Robot = robot) {
  const brain = new KnowledgeBrain({ loadEntries: async () => entries });
  const chunks = [];
  for await (const chunk of brain.answer(question, { language: target.defaultLanguage, robot: target, signal: new AbortController().signal })) {
    chunks.push(chunk);
  }
  return { text: chunks.map((c) => c.text).join(''), language: chunks[0].language };
}

describe('KnowledgeBrain', () => {
  it('answers greetings in the language of the matched entry', async () => {
    expect(await ask('你好')).toMatchObject({ language: 'zh_CN', text: expect.stringContaining('演示数字人') });
    expect(await ask('Hello!')).toMatchObject({ language: 'en_US', text: expect.stringContaining('dhkit demo avatar') });
  });

  it('matches paraphrases, punctuation- and case-insensitively', async () => {
    expect((await ask('What can you do?')).text).toContain('knowledge base');
    expect((await ask('展厅在哪儿？')).text).toContain('滨江路');
    expect((await ask('WHERE is the showroom')).text).toContain('Riverside Road');
  });

  it('declines unrelated questions with the fallback in the question language', async () => {
    expect(await ask('what is the capital of Peru')).toEqual({ language: 'en_US', text: FALLBACK_ANSWERS.en_US });
    expect(await ask('秘鲁的首都是哪里')).toEqual({ language: 'zh_CN', text: FALLBACK_ANSWERS.zh_CN });
  });

  it('falls back to the session language when the robot lacks the detected one', async () => {
    const chineseOnly = { ...robot, languages: ['zh_CN' as const] };
    expect(await ask('what is the capital of Peru', chineseOnly)).toEqual({ language: 'zh_CN', text: FALLBACK_ANSWERS.zh_CN });
  });

  it('looks up a small knowledge base in well under a millisecond', () => {
    const index = new KnowledgeIndex(entries);
    const start = performance.now();
    for (let i = 0; i < 1000; i++) index.best(i % 2 ? 'how do I embed you' : '你能做什么');
    expect((performance.now() - start) / 1000).toBeLessThan(1);
  });

  it('detects the language from Han characters', () => {
    expect(detectLanguage('hello 你好')).toBe('zh_CN');
    expect(detectLanguage('hello')).toBe('en_US');
  });
});
