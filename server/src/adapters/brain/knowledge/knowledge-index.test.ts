import { describe, expect, it } from 'vitest';
import { decide } from './decision.js';
import { KeyTerms } from './key-terms.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { MAX_QUERY_TOKENS, type KnowledgeMatch } from './lexical-index.js';

const entry = (question: string, answer = `answer to ${question}`, similarQuestions: string[] = []) => ({
  question,
  answer,
  similarQuestions,
  language: (/\p{Script=Han}/u.test(question) ? 'zh_CN' : 'en_US') as 'zh_CN' | 'en_US',
});

describe('ranking', () => {
  it('weighs the word that tells entries apart over the one every entry shares', () => {
    const index = new KnowledgeIndex([entry('花呗怎么还款'), entry('借呗怎么还款'), entry('花呗怎么开通'), entry('花呗额度怎么提升')]);
    expect(index.search('借呗的钱要怎样还')[0].entry.question).toBe('借呗怎么还款');
    expect(index.search('花呗的钱要怎样还')[0].entry.question).toBe('花呗怎么还款');
  });

  it('does not let a question frame alone match ("什么意思", "what does it mean")', () => {
    // Frames recur across a real FAQ, as here; the topic words do not.
    const index = new KnowledgeIndex(
      ['花呗的意思是什么意思', '借呗是什么', '花呗分期是什么意思', '花呗逾期是怎么回事', '借呗怎么还款', '花呗为什么不能用']
        .map((q) => entry(q))
        .concat(
          ['what does overdraft mean', 'what is a wire transfer', 'what does APR mean', 'how do I open an account'].map((q) => entry(q)),
        ),
    );
    expect(index.decide('这是什么意思').kind).not.toBe('answer');
    expect(index.decide('what does this mean').kind).not.toBe('answer');
    expect(index.decide('花呗是什么意思').kind).toBe('answer');
  });

  it('uses the answer as a weak second field for words no question has', () => {
    const index = new KnowledgeIndex([
      entry('Is there a cafe', 'The garden cafe serves lunch and coffee until 5pm.'),
      entry('Where can I park', 'The garage on Elm Street has 200 spaces.'),
      entry('Where is the cloakroom', 'Next to the main entrance.'),
      entry('Where can I buy tickets', 'At the desk or online.'),
      entry('Can I take photos', 'Yes, without flash.'),
    ]);
    expect(index.search('where can I get a coffee')[0].entry.question).toBe('Is there a cafe');
  });

  it('looks up at most MAX_QUERY_TOKENS tokens, and still finds the entry a long question is about', () => {
    const entries = Array.from({ length: 300 }, (_, i) => entry(`问题${i}：账户密码怎么修改第${i}项`));
    entries.push(entry('镇馆之宝是什么'));
    const index = new KnowledgeIndex(entries);
    const long = `${'账户密码怎么修改'.repeat(60)}镇馆之宝`;
    expect([...long].length).toBeGreaterThan(MAX_QUERY_TOKENS * 10);
    expect(index.search(long, { limit: 1 })[0].entry.question).toBe('镇馆之宝是什么');
  });

  it('reads the words of a long question past the segmented head (ICU segments only its start)', () => {
    const index = new KnowledgeIndex([entry('How do I strikethrough text?'), entry('How do I underline text?'), entry('花呗怎么还款')]);
    const preamble = 'so yesterday I was writing a long letter to my landlord and the editor kept doing odd things, '.repeat(3);
    expect(preamble.length).toBeGreaterThan(200);
    expect(index.search(`${preamble}anyway how can I strikethrough some words`)[0].entry.question).toBe('How do I strikethrough text?');
    expect(index.search(`${preamble}anyway how can I underline some words`)[0].entry.question).toBe('How do I underline text?');
    expect(index.search(`${'这个问题说来话长，'.repeat(20)}花呗的钱要怎样还`)[0].entry.question).toBe('花呗怎么还款');
  });

  it('joins English word forms the stemmer does not, by their first letters', () => {
    const index = new KnowledgeIndex([entry('Overdraft fees'), entry('My card was lost or stolen'), entry('Wire transfer limits')]);
    expect(index.search('what happens if I overdraw')[0].entry.question).toBe('Overdraft fees');
    expect(index.search('someone stole my debit card')[0].entry.question).toBe('My card was lost or stolen');
    expect(index.search('how do I overdraw', { limit: 1 })[0].framesOnly).toBeUndefined();
  });

  it('weighs the words that split the base (花呗/借呗) as evidence that a question belongs to it', () => {
    // Each product in a good share of the questions, as in a real Alipay FAQ: plain IDF gives them nearly nothing.
    const index = new KnowledgeIndex(
      [
        '花呗怎么还款',
        '花呗额度怎么提升',
        '花呗逾期了怎么办',
        '花呗能分期吗',
        '借呗怎么还款',
        '借呗额度怎么提升',
        '借呗利息怎么算',
        '借呗能提前还吗',
      ]
        .concat(['账户怎么注销', '怎么修改登录密码', '银行卡怎么解绑', '怎么联系人工客服', '实名认证失败', '支付密码忘了'])
        .map((q) => entry(q)),
    );
    // Mostly words the base never uses, but it names 花呗: with the one floor for all content words 0.129.
    const inDomain = index.search('花呗的钱已经还清了为何还显示')[0];
    expect(inDomain.entry.question).toMatch(/^花呗/);
    expect(inDomain.confidence).toBeGreaterThan(0.15);
    expect(index.search('明天天气怎么样')[0].confidence).toBeLessThan(0.1);
  });

  it('keeps each entry once, at its best question, and honours limit and tags', () => {
    const index = new KnowledgeIndex([
      { ...entry('opening hours', 'A', ['when do you open', 'hours of opening']), tags: ['a'] },
      { ...entry('opening hours of the shop', 'B'), tags: ['b'] },
    ]);
    const matches = index.search('when do you open', { limit: 5 });
    expect(matches.map((m) => m.entry.answer)).toEqual(['A', 'B']);
    expect(matches[0].matchedQuestion).toBe('when do you open');
    expect(index.search('when do you open', { limit: 1 })).toHaveLength(1);
    expect(index.search('when do you open', { tags: ['b'] }).map((m) => m.entry.answer)).toEqual(['B']);
  });
});

it('scores an entry on all its known questions together when no single one explains the question', () => {
  const others = [entry('取消会员自动续费并退款', 'B'), entry('How do I cancel my subscription?', 'C')];
  const together = new KnowledgeIndex([entry('怎么取消订单', 'A', ['能退款吗']), ...others]);
  // The same two questions as two entries: each is scored alone, as an entry's best question is.
  const apart = new KnowledgeIndex([entry('怎么取消订单', 'A'), entry('能退款吗', 'A'), ...others]);
  const best = apart.search('订单取消了，退款吗')[0];
  const [match] = together.search('订单取消了，退款吗');
  expect(best.entry.answer).toBe('A');
  expect(match.entry.answer).toBe('A');
  expect(match.confidence).toBeGreaterThan(best.confidence + 0.05);
  expect(match.confidence).toBeCloseTo(match.recall ** 0.6 * match.precision ** 0.4, 10);
  // An entry with one known question keeps its score.
  expect(together.search('取消会员退款')[0].confidence).toBe(apart.search('取消会员退款')[0].confidence);
});

describe('decision', () => {
  const match = (confidence: number, question = `q${confidence}`) =>
    ({ entry: entry(question), confidence, score: confidence, matchedQuestion: question, recall: 0, precision: 0 }) as KnowledgeMatch;

  it('answers a confident match with a clear lead, suggests when the runner-up is close, declines below', () => {
    expect(decide([match(0.5), match(0.3)]).kind).toBe('answer');
    const close = decide([match(0.5), match(0.48), match(0.1)]);
    expect(close.kind).toBe('suggest');
    expect(close.kind === 'suggest' && close.suggestions.map((m) => m.confidence)).toEqual([0.5, 0.48]);
    expect(decide([match(0.9), match(0.88)]).kind).toBe('answer');
    expect(decide([match(0.3), match(0.1)]).kind).toBe('suggest');
    expect(decide([match(0.2)]).kind).toBe('fallback');
    expect(decide([]).kind).toBe('fallback');
    expect(decide([match(0.5)], { answer: 0.6, suggest: 0.25 }).kind).toBe('suggest');
  });

  it('answers a match on question frames alone only with a wide lead, however confident', () => {
    const framesOnly = (confidence: number) => ({ ...match(confidence), framesOnly: true });
    expect(decide([match(0.5), match(0.42)]).kind).toBe('answer');
    expect(decide([framesOnly(0.5), match(0.42)]).kind).toBe('suggest');
    expect(decide([framesOnly(0.8), match(0.7)]).kind).toBe('suggest');
    expect(decide([framesOnly(0.5), match(0.25)]).kind).toBe('answer');
  });
});

describe('key terms and synonyms', () => {
  it('folds synonyms on both sides, whole words only in English, anywhere in Chinese', () => {
    const terms = new KeyTerms({
      synonyms: [
        ['strikethrough', 'crossed out'],
        ['语音识别', 'asr'],
      ],
    });
    expect([...terms.tokenize('how do I get crossed out text').keys()]).toContain('strikethrough');
    expect([...terms.tokenize('the crossed outlaw').keys()]).not.toContain('strikethrough');
    expect([...terms.tokenize('支持ASR吗').keys()]).toContain('\u0002识别');
    const index = new KnowledgeIndex([entry('语音识别支持哪些语言'), entry('怎么更换头像')], undefined, {
      synonyms: [['语音识别', 'ASR']],
    });
    expect(index.lookup('ASR能识别英文吗').decision.kind).toBe('answer');
  });

  it('makes a key term decide between entries that share everything else', () => {
    const entries = [entry('花呗怎么还款'), entry('借呗怎么还款'), entry('花呗还款日是哪天'), entry('借呗还款日是哪天')];
    const plain = new KnowledgeIndex(entries);
    const keyed = new KnowledgeIndex(entries, undefined, { keyTerms: ['花呗', '借呗'] });
    const question = '借呗的还款';
    const lead = (index: KnowledgeIndex) => {
      const [first, second] = index.search(question);
      return first.confidence - second.confidence;
    };
    expect(keyed.search(question)[0].entry.question).toMatch(/^借呗/);
    expect(lead(keyed)).toBeGreaterThan(lead(plain));
  });
});
