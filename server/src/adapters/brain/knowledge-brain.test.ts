import { describe, expect, it } from 'vitest';
import type { Robot } from '@dhkit/protocol';
import { buildRobot } from '../../robots/robot.js';
import { DEMO_KNOWLEDGE } from '../../robots/demo-knowledge.js';
import type { KnowledgeEntry } from '../../store/store.js';
import { FALLBACK_ANSWERS, KnowledgeBrain, KnowledgeIndex, detectLanguage, tokenize } from './knowledge-brain.js';
import { OUT_OF_DOMAIN, PARAPHRASES } from '../../../test/fixtures/paraphrases.js';

const entries: KnowledgeEntry[] = DEMO_KNOWLEDGE.map((entry, i) => ({
  ...entry,
  similarQuestions: entry.similarQuestions ?? [],
  tags: entry.tags ?? [],
  id: i + 1,
  robotId: 'demo',
  createdAt: '',
}));
const robot: Robot = buildRobot({ id: 'demo', name: 'demo', languages: ['zh_CN', 'en_US'], defaultLanguage: 'zh_CN' });
const index = new KnowledgeIndex(entries);

async function ask(question: string, target: Robot = robot) {
  const brain = new KnowledgeBrain({ loadEntries: async () => entries });
  const chunks = [];
  for await (const chunk of brain.answer(question, {
    language: target.defaultLanguage,
    robot: target,
    signal: new AbortController().signal,
  })) {
    chunks.push(chunk);
  }
  return {
    text: chunks.map((c) => c.text).join(''),
    language: chunks[0].language,
    answered: chunks[0].answered,
    suggestions: chunks[0].suggestions,
  };
}

describe('knowledge retrieval (BM25 over ICU words and Han bigrams)', () => {
  it('has a demo knowledge base of at least 20 entries in both languages', () => {
    expect(entries.filter((e) => e.language === 'zh_CN').length).toBeGreaterThanOrEqual(10);
    expect(entries.filter((e) => e.language === 'en_US').length).toBeGreaterThanOrEqual(10);
  });

  it('the paraphrase set holds no known question verbatim', () => {
    const known = new Set(
      entries.flatMap((e) => [e.question, ...e.similarQuestions]).map((q) => q.toLowerCase().replace(/[\s\p{P}]/gu, '')),
    );
    expect(PARAPHRASES.length).toBeGreaterThanOrEqual(40);
    for (const [asked] of PARAPHRASES) expect(known.has(asked.toLowerCase().replace(/[\s\p{P}]/gu, '')), asked).toBe(false);
  });

  it('answers at least 90% of paraphrased questions with the right entry (top-1, above the threshold)', () => {
    const misses: string[] = [];
    for (const [asked, expected] of PARAPHRASES) {
      const decision = index.decide(asked);
      if (decision.kind !== 'answer' || decision.match.entry.question !== expected) {
        misses.push(`${asked} → ${decision.kind === 'answer' ? decision.match.entry.question : decision.kind}`);
      }
    }
    const accuracy = 1 - misses.length / PARAPHRASES.length;
    expect(accuracy, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('declines every out-of-domain question instead of answering with a random entry', () => {
    expect(OUT_OF_DOMAIN.length).toBeGreaterThanOrEqual(15);
    for (const question of OUT_OF_DOMAIN) expect(index.decide(question).kind, question).not.toBe('answer');
  });

  it('segments Chinese with ICU and adds Han bigrams', () => {
    const tokens = [...tokenize('展厅几点开门').keys()];
    expect(tokens).toEqual(expect.arrayContaining(['几点', '开门', '\u0002展厅']));
  });
});

describe('KnowledgeBrain', () => {
  it('answers greetings in the language of the matched entry', async () => {
    expect(await ask('你好')).toMatchObject({ language: 'zh_CN', answered: true, text: expect.stringContaining('演示数字人') });
    expect(await ask('Hello!')).toMatchObject({ language: 'en_US', answered: true, text: expect.stringContaining('dhkit demo avatar') });
  });

  it('matches paraphrases, punctuation- and case-insensitively', async () => {
    expect((await ask('What can you do?')).text).toContain('knowledge base');
    expect((await ask('展厅在哪儿？')).text).toContain('滨江路');
    expect((await ask('WHERE is the showroom')).text).toContain('Riverside Road');
  });

  it('declines unrelated questions with the fallback in the question language', async () => {
    expect(await ask('what is the capital of Peru')).toMatchObject({ language: 'en_US', answered: false, text: FALLBACK_ANSWERS.en_US });
    expect(await ask('秘鲁的首都是哪里')).toMatchObject({ language: 'zh_CN', answered: false, text: FALLBACK_ANSWERS.zh_CN });
  });

  it('offers "did you mean" suggestions when unsure', async () => {
    // (Was '你可以做哪些事情', which the paraphrase set expects answered — and now is.)
    const decision = index.decide('你们能做些啥');
    expect(decision.kind).toBe('suggest');
    const reply = await ask('你们能做些啥');
    expect(reply.answered).toBe(false);
    expect(reply.suggestions).toContain('你能做什么');
    expect(reply.text).toContain('您是想问');
  });

  it('uses the robot’s own fallback answer and threshold', async () => {
    const custom = { ...robot, brain: { type: 'knowledge' as const, threshold: 0.99, fallbackAnswers: { en_US: 'Ask the front desk.' } } };
    expect((await ask('xyzzy plugh', custom)).text).toBe('Ask the front desk.');
    expect((await ask('what are the opening hours on weekdays', custom)).answered).toBe(false);
  });

  it('falls back to the session language when the robot lacks the detected one', async () => {
    const chineseOnly = { ...robot, languages: ['zh_CN' as const] };
    expect(await ask('what is the capital of Peru', chineseOnly)).toMatchObject({ language: 'zh_CN', text: FALLBACK_ANSWERS.zh_CN });
  });

  it('filters by tags', () => {
    const tagged = new KnowledgeIndex([
      { question: 'opening hours', answer: 'A', language: 'en_US' as const, tags: ['store-a'] },
      { question: 'opening hours', answer: 'B', language: 'en_US' as const, tags: ['store-b'] },
    ]);
    expect(tagged.search('when do you open', { tags: ['store-b'] })[0].entry.answer).toBe('B');
  });

  it('detects the language from Han characters', () => {
    expect(detectLanguage('hello 你好')).toBe('zh_CN');
    expect(detectLanguage('hello')).toBe('en_US');
  });
});
