import { detectLanguage } from '../../../knowledge/language.js';

export { detectLanguage };

/** A token and its weight factor (1 for content words; less for function words and single Han characters). */
export type TokenWeights = Map<string, number>;

const EN_STOPWORDS = new Set(
  (
    'a an the is are was were be been am do does did i you me my your yours it its of to in on at for and or ' +
    'what how who why when which can could would will shall should may might please tell about this that ' +
    'there here with we our us they them their he she his her if so just any some s where whats ' +
    'know like want need get give let much many very really also ok okay good ' +
    // Question frames: they say what kind of question it is, not what it is about.
    'mean meaning way possible anyone someone somebody thing anything something'
  ).split(' '),
);
const ZH_STOPWORDS = new Set([
  '的',
  '了',
  '吗',
  '呢',
  '吧',
  '啊',
  '呀',
  '是',
  '我',
  '你',
  '您',
  '他',
  '她',
  '它',
  '在',
  '有',
  '和',
  '就',
  '都',
  '也',
  '还',
  '请',
  '问',
  '请问',
  '什么',
  '怎么',
  '怎样',
  '如何',
  '一下',
  '你们',
  '我们',
  '可以',
  '能',
  '会',
  '要',
  '想',
  '这',
  '那',
  '这个',
  '那个',
  '哪',
  '么',
  '下',
  '哪里',
  '哪儿',
  '哪些',
  '在哪',
  '需要',
  '知道',
  '一些',
  '些',
  '具体',
  '好',
  '吧',
  '得',
  '地',
  '着',
  '过',
  '把',
  '被',
  '让',
  '给',
  '跟',
  '对',
  '为',
  '个',
  // Question frames: they say what kind of question it is, not what it is about.
  '意思',
  '原因',
  '回事',
  '为什么',
  '为啥',
  '怎么办',
  '怎么样',
  '咋',
  '啥',
  '咋办',
  '怎么回事',
  '什么样',
]);
const ZH_STOP_BIGRAMS = new Set([
  '什么',
  '请问',
  '一下',
  '你们',
  '我们',
  '可以',
  '是不',
  '不是',
  '的是',
  '怎么',
  '是什',
  '么时',
  '我想',
  '想知',
  '知道',
  '哪里',
  '哪儿',
  '哪些',
  '在哪',
  '需要',
  '具体',
  '一些',
  '如何',
  '怎样',
  // Question frames (see ZH_STOPWORDS).
  '意思',
  '么意',
  '原因',
  '么原',
  '回事',
  '么回',
  '么办',
  '为什',
  '为啥',
  '么样',
  '咋办',
  '请教',
]);

/**
 * A small thesaurus of everyday words visitors use for the same thing on a product or company site; each
 * group is folded into its first word on both sides (known questions and visitors' questions). Only common,
 * domain-neutral words belong here: a knowledge base's own terms go into its entries' similar questions.
 */
const THESAURUS: readonly (readonly string[])[] = [
  ['hello', 'hi', 'hey', 'greeting'],
  ['goodbye', 'bye'],
  ['speak', 'talk', 'say'],
  ['website', 'site', 'webpage', 'web', 'page', 'homepage'],
  ['cost', 'price', 'pricing', 'pay', 'money', 'fee', 'charge', 'paid', 'free'],
  ['make', 'build', 'built', 'create', 'develop', 'author', 'made'],
  ['able', 'capable', 'ability', 'abilitie'],
  ['embed', 'integrate', 'install', 'insert'],
  ['human', 'person', 'people'],
  ['data', 'information', 'info'],
  ['address', 'location', 'locat'],
  ['你好', '您好', '哈喽', '嗨'],
  ['收费', '付费', '花钱', '价格', '多少钱', '免费', '价钱'],
  ['网站', '网页', '站点', '页面', '主页'],
  ['开发', '制作', '打造', '开发者', '作者'],
  ['说话', '讲话', '讲'],
  ['英语', '英文'],
  ['中文', '汉语', '普通话'],
  ['嵌入', '集成', '接入', '引入'],
  ['真人', '人类'],
  ['地址', '位置'],
];
const CANONICAL = new Map(THESAURUS.flatMap((group) => group.map((word) => [word, group[0]] as const)));

const FUNCTION_WEIGHT = 0.3;
const SINGLE_HAN_WEIGHT = 0.8;
/** Bigram tokens live in their own namespace so that a two-character word and the same bigram add up. */
const BIGRAM_PREFIX = '\u0002';
/**
 * English words also give their first WORD_HEAD_CHARS letters as a lighter token: what the Han characters
 * and bigrams do for Chinese, for the word forms the small stemmer does not join (overdraw/overdraft,
 * stole/stolen, configure/configuration). Chosen on the TUNE half of the English bench:kb set (top-1 0.723 →
 * 0.738, false-decline 0.054 → 0.048; 5 letters ranked higher there but declined worse; weight 0.4–1.0 tried).
 * A thesaurus word gives its group's head (site → webs…, as website), so the group stays one.
 */
const WORD_HEAD_CHARS = 4;
const WORD_HEAD_WEIGHT = 0.8;
const WORD_HEAD_PREFIX = '\u0004';
const LATIN_LOWER = /^[a-z]+$/;

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
const WORD_CHAR = /[\p{L}\p{N}]/u;

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Weighted tokens of a question (each distinct token once; repeated tokens keep their highest weight).
 * `maxTokens` caps the distinct tokens: past it, new tokens are left out and the rest of the text is not read
 * (ICU words of the head first, then letter runs, then Han characters and bigrams run by run).
 */
export function tokenize(text: string, maxTokens = Infinity): TokenWeights {
  const tokens: TokenWeights = new Map();
  const add = (token: string, weight: number) => {
    const known = tokens.get(token);
    if (known === undefined ? tokens.size < maxTokens : known < weight) tokens.set(token, weight);
  };
  const full = () => tokens.size >= maxTokens;
  const normalized = normalize(text);
  for (const { segment, isWordLike } of words(normalized)) {
    if (full()) break;
    if (!isWordLike || !WORD_CHAR.test(segment)) continue;
    if (HAN.test(segment)) {
      const weight = ZH_STOPWORDS.has(segment) ? FUNCTION_WEIGHT : [...segment].length === 1 ? SINGLE_HAN_WEIGHT : 1;
      add(CANONICAL.get(segment) ?? segment, weight);
    } else {
      const word = segment.replace(/['’]s$/, '').replace(/['’]/g, '');
      if (word === '') continue;
      const stemmed = stem(word);
      const canonical = CANONICAL.get(stemmed) ?? CANONICAL.get(word);
      add(canonical ?? stemmed, EN_STOPWORDS.has(word) ? FUNCTION_WEIGHT : 1);
      // A word of the thesaurus gives the head of its group's word, so that the group stays one.
      const headed = canonical ?? word;
      if (!EN_STOPWORDS.has(word) && headed.length >= WORD_HEAD_CHARS && LATIN_LOWER.test(headed)) {
        add(WORD_HEAD_PREFIX + headed.slice(0, WORD_HEAD_CHARS), WORD_HEAD_WEIGHT);
      }
    }
  }
  for (const run of normalized.match(HAN_RUN) ?? []) {
    if (full()) break;
    for (const char of run) {
      if (full()) break;
      add(char, ZH_STOPWORDS.has(char) ? FUNCTION_WEIGHT * SINGLE_HAN_WEIGHT : SINGLE_HAN_WEIGHT);
    }
    for (let i = 0; i + 1 < run.length && !full(); i++) {
      const bigram = run.slice(i, i + 2);
      add(BIGRAM_PREFIX + bigram, ZH_STOP_BIGRAMS.has(bigram) ? FUNCTION_WEIGHT : 1);
    }
  }
  return tokens;
}

/**
 * ICU's word segmenter costs about 5 µs a character: a 500-character question spent milliseconds there alone.
 * A question says what it is about well before MAX_SEGMENTED_CHARS; past that, Han text still gives its
 * characters and bigrams (see tokenize) and other scripts their words by a plain letter run.
 */
const MAX_SEGMENTED_CHARS = 160;
/** A run of letters, digits and apostrophes of any script but Han. */
const LETTER_RUN = /(?:(?!\p{Script=Han})[\p{L}\p{N}'’])+/gu;

function* words(text: string): Iterable<{ segment: string; isWordLike?: boolean }> {
  if (text.length <= MAX_SEGMENTED_CHARS) {
    yield* segmenter.segment(text);
    return;
  }
  // Cut where a word ends, so that no word of the head is split.
  let cut = MAX_SEGMENTED_CHARS;
  while (cut < text.length && WORD_CHAR.test(text[cut]) && !HAN.test(text[cut])) cut++;
  yield* segmenter.segment(text.slice(0, cut));
  for (const match of text.slice(cut).matchAll(LETTER_RUN)) yield { segment: match[0], isWordLike: true };
}

/** A deliberately small English suffix stripper: enough for plurals and verb forms in short questions. */
function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return undouble(word.slice(0, -3));
  if (word.endsWith('ed') && word.length > 4) return undouble(word.slice(0, -2));
  if (word.endsWith('er') && word.length > 6) return undouble(word.slice(0, -2));
  if (word.endsWith('es') && /(?:sh|ch|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}

function undouble(word: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(word) && !/(ll|ss)$/.test(word) ? word.slice(0, -1) : word;
}
