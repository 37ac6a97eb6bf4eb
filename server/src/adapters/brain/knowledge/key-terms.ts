/**
 * A robot's own vocabulary (robot setting `brain.keyTerms` / `brain.synonyms`, docs/knowledge-base.md):
 * - synonyms: groups of words that mean the same thing in this knowledge base (["ASR", "语音识别"],
 *   ["strikethrough", "crossed out"]); each group is folded into its first word before tokenizing, on both
 *   the known questions and the visitor's, so either wording matches the other;
 * - key terms: the words that decide between entries (product names such as 花呗 and 借呗). Each one
 *   present in a text adds one whole-term token of extra weight, so a match or mismatch on it counts more
 *   than the characters it shares with other terms.
 */
import { normalize, tokenize, type TokenWeights } from './tokenize.js';

export interface KeyTermsConfig {
  keyTerms?: readonly string[];
  synonyms?: readonly (readonly string[])[];
}

/** Whole-term tokens live in their own namespace. */
const KEY_TERM_PREFIX = '\u0003';
const KEY_TERM_WEIGHT = 2;
const LATIN_WORD = /^[\p{Script=Latin}\p{N}][\p{Script=Latin}\p{N}\s'’-]*$/u;

export class KeyTerms {
  private readonly replacements: { pattern: RegExp; canonical: string }[] = [];
  private readonly terms: { token: string; pattern: RegExp }[];

  constructor(config: KeyTermsConfig) {
    for (const group of config.synonyms ?? []) {
      const words = group.map(normalize).filter((word) => word.trim() !== '');
      if (words.length < 2) continue;
      // A Latin canonical word is padded so it does not glue onto a neighbouring word.
      const canonical = LATIN_WORD.test(words[0]) ? ` ${words[0]} ` : words[0];
      for (const word of words.slice(1)) this.replacements.push({ pattern: wordPattern(word, 'g'), canonical });
    }
    // Longer alternatives first, so "crossed out text" is folded before "crossed out".
    this.replacements.sort((a, b) => b.pattern.source.length - a.pattern.source.length);
    const terms = new Set((config.keyTerms ?? []).map((term) => this.fold(normalize(term)).trim()).filter(Boolean));
    this.terms = [...terms].map((term) => ({ token: KEY_TERM_PREFIX + term, pattern: wordPattern(term, '') }));
  }

  get empty(): boolean {
    return this.replacements.length === 0 && this.terms.length === 0;
  }

  /** `maxTokens` as in tokenize.ts (the key-term tokens come on top: at most one per configured term). */
  tokenize(text: string, maxTokens?: number): TokenWeights {
    const folded = this.fold(normalize(text));
    const tokens = tokenize(folded, maxTokens);
    for (const { token, pattern } of this.terms) if (pattern.test(folded)) tokens.set(token, KEY_TERM_WEIGHT);
    return tokens;
  }

  private fold(text: string): string {
    let folded = text;
    for (const { pattern, canonical } of this.replacements) folded = folded.replace(pattern, canonical);
    return folded;
  }
}

/** Latin words match whole Latin words only ("ai" not inside "rain", but in "支持ai吗"); Han terms match anywhere. */
function wordPattern(word: string, flags: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (!LATIN_WORD.test(word)) return new RegExp(escaped, `${flags}u`);
  return new RegExp(`(?<![\\p{Script=Latin}\\p{N}])${escaped}(?![\\p{Script=Latin}\\p{N}])`, `${flags}u`);
}
