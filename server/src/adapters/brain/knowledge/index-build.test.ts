import { describe, expect, it } from 'vitest';
import { ANSWER_THRESHOLD, SUGGEST_THRESHOLD } from './decision.js';
import { buildKnowledgeIndex } from './index-build.js';
import { KnowledgeIndex } from './knowledge-index.js';

const thresholds = { answer: ANSWER_THRESHOLD, suggest: SUGGEST_THRESHOLD };
const common = '的是在了和有我你他这个们中来上大为';
// 2,000 entries of frequent characters (as bench:hostile's long-question attack uses): a build of seconds on a busy machine.
const entries = Array.from({ length: 2000 }, (_, n) => ({
  question: `${Array.from({ length: 12 }, (_, k) => common[(n * 7 + k * 3) % common.length]).join('')}问题${n}`,
  similarQuestions: n % 3 === 0 ? [`第${n}个问题怎么办`] : [],
  answer: `这是第${n}条答案。 Answer number ${n}.`,
  language: 'zh_CN' as const,
}));

describe('buildKnowledgeIndex', () => {
  it('lets other work run while it tokenizes a large base', async () => {
    let turns = 0;
    let running = true;
    const spin = () => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    await buildKnowledgeIndex(entries, thresholds);
    running = false;
    // One synchronous build would let the loop turn about once; sliced, it turns at least once per 10 ms slice.
    expect(turns).toBeGreaterThan(3);
  }, 60_000);

  it('ranks exactly as an index built at once', async () => {
    const sliced = await buildKnowledgeIndex(entries, thresholds, { keyTerms: ['答案'], synonyms: [['问题', '疑问']] });
    const direct = new KnowledgeIndex(entries, thresholds, { keyTerms: ['答案'], synonyms: [['问题', '疑问']] });
    for (const question of ['的是在了问题17', '第300个疑问怎么办', 'answer number 42', '的是在了和有我你他这'.repeat(50)]) {
      expect(sliced.lookup(question)).toEqual(direct.lookup(question));
    }
  }, 60_000);
});
