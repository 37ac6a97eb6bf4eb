/**
 * The built-in brain: retrieval over the robot's question/answer entries. Every question and similar
 * question becomes a bag of weighted tokens (words for alphabetic text, character bigrams for Chinese,
 * which has no spaces); a visitor's question is scored against each bag with a weighted Dice coefficient,
 * and the best entry above a threshold answers. The index is built once per robot and kept in memory, so a
 * lookup over a few hundred entries takes microseconds.
 */
import type { LanguageCode } from '@dhkit/protocol';
import type { KnowledgeEntry } from '../../store/store.js';
import type { Brain, BrainChunk, BrainContext } from './brain.js';

export const FALLBACK_ANSWERS: Record<LanguageCode, string> = {
  zh_CN: '抱歉，这个问题我还不会回答。您可以换个说法，或者问问我能做什么。',
  en_US: "Sorry, I don't know that yet. Try asking in other words, or ask me what I can do.",
};

const EN_STOPWORDS = new Set(
  'a an the is are was were be am do does did i you me my your it its of to in on at for and or what how who why when which can could would will please tell about this that there here with'.split(
    ' ',
  ),
);
const ZH_STOP_BIGRAMS = new Set(['什么', '请问', '一下', '你们', '我们', '可以', '是不', '不是', '的是']);
const STOPWORD_WEIGHT = 0.25;

type TokenBag = Map<string, number>;

export interface KnowledgeMatch {
  entry: KnowledgeEntry;
  score: number;
}

interface IndexedQuestion {
  entry: KnowledgeEntry;
  bag: TokenBag;
  weight: number;
}

export class KnowledgeIndex {
  private readonly questions: IndexedQuestion[];

  constructor(entries: readonly KnowledgeEntry[]) {
    this.questions = entries.flatMap((entry) =>
      [entry.question, ...entry.similarQuestions].map((question) => {
        const bag = tokenize(question);
        return { entry, bag, weight: totalWeight(bag) };
      }),
    );
  }

  /** The best-scoring entry, or null when the knowledge base is empty or nothing shares a token. */
  best(question: string): KnowledgeMatch | null {
    const bag = tokenize(question);
    const weight = totalWeight(bag);
    if (weight === 0) return null;
    let best: KnowledgeMatch | null = null;
    for (const candidate of this.questions) {
      if (candidate.weight === 0) continue;
      let shared = 0;
      for (const [token, w] of bag) if (candidate.bag.has(token)) shared += w;
      if (shared === 0) continue;
      const dice = (2 * shared) / (weight + candidate.weight);
      // A question that contains a whole known question ("你好，你能做什么") is a good match too.
      const containment = candidate.weight >= 1.5 ? (0.85 * shared) / candidate.weight : 0;
      const score = Math.max(dice, containment);
      if (!best || score > best.score) best = { entry: candidate.entry, score };
    }
    return best;
  }
}

export interface KnowledgeBrainOptions {
  loadEntries(robotId: string): Promise<KnowledgeEntry[]>;
  /** Matches scoring below this get the fallback answer. */
  threshold?: number;
}

export class KnowledgeBrain implements Brain {
  private readonly indexes = new Map<string, Promise<KnowledgeIndex>>();
  private readonly threshold: number;

  constructor(private readonly options: KnowledgeBrainOptions) {
    this.threshold = options.threshold ?? 0.45;
  }

  /** Drops the cached index of a robot after its knowledge changed. */
  invalidate(robotId: string): void {
    this.indexes.delete(robotId);
  }

  async *answer(question: string, context: BrainContext): AsyncIterable<BrainChunk> {
    const index = await this.index(context.robot.id);
    if (context.signal.aborted) return;
    const match = index.best(question);
    if (match && match.score >= this.threshold) {
      yield { text: match.entry.answer, language: match.entry.language, confidence: Math.min(1, match.score) };
      return;
    }
    const detected = detectLanguage(question);
    const language = context.robot.languages.includes(detected) ? detected : context.language;
    yield { text: FALLBACK_ANSWERS[language], language, confidence: match ? match.score : 0 };
  }

  private index(robotId: string): Promise<KnowledgeIndex> {
    let index = this.indexes.get(robotId);
    if (!index) {
      index = this.options.loadEntries(robotId).then((entries) => new KnowledgeIndex(entries));
      index.catch(() => this.indexes.delete(robotId));
      this.indexes.set(robotId, index);
    }
    return index;
  }
}

const HAN = /\p{Script=Han}/u;

/** Han characters → zh_CN, anything else → en_US. */
export function detectLanguage(text: string): LanguageCode {
  return HAN.test(text) ? 'zh_CN' : 'en_US';
}

/** Lowercased, punctuation-insensitive tokens: words of letters/digits, and bigrams of Han runs. */
export function tokenize(text: string): TokenBag {
  const bag: TokenBag = new Map();
  const normalized = text.normalize('NFKC').toLowerCase();
  for (const run of normalized.match(/\p{Script=Han}+|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? []) {
    if (HAN.test(run[0])) {
      if (run.length === 1) bag.set(run, 1);
      for (let i = 0; i + 1 < run.length; i++) {
        const bigram = run.slice(i, i + 2);
        bag.set(bigram, ZH_STOP_BIGRAMS.has(bigram) ? STOPWORD_WEIGHT : 1);
      }
    } else {
      const word = run.replace(/['’]/g, '');
      bag.set(word, EN_STOPWORDS.has(word) ? STOPWORD_WEIGHT : 1);
    }
  }
  return bag;
}

function totalWeight(bag: TokenBag): number {
  let sum = 0;
  for (const w of bag.values()) sum += w;
  return sum;
}
