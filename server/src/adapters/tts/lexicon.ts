/**
 * A robot's pronunciation lexicon: speech engines misread names, acronyms and numbers, so the spoken text
 * (never the caption) goes through word substitutions first. A substitution may use a small SSML subset:
 *
 *   <sub alias="dee aitch kit">dhkit</sub>          say the alias instead of the content
 *   <break time="300ms"/>  (or "1.5s")               a pause: silence samples in the audio
 *   <say-as interpret-as="characters">SKU</say-as>  spell it out: "S K U"
 *
 * Other tags are dropped (their content kept); `&amp; &lt; &gt; &quot; &apos;` are decoded. Only the
 * replacement text is read as markup: the answer's own text is spoken as it is.
 */
import type { LexiconEntry, VisemeTiming } from '@dhkit/protocol';
import type { TextToSpeech, VisemeTimingsSink } from './tts.js';
import { WordMatcher } from './word-matcher.js';

export type { LexiconEntry };

/** One piece of a clause as it is to be synthesized. */
export type SpeechPart = { text: string } | { breakMs: number };

const MAX_BREAK_MS = 5000;
const LATIN_EDGE = /[\p{Script=Latin}\p{N}_']/u;

/**
 * Substitutes lexicon words in `text`. Words that begin or end with a Latin letter or digit match as whole
 * words, case-insensitively ("SKU" also matches "sku", not "SKUs"); Han words match exactly wherever they
 * occur (Chinese has no spaces between words). Longer words win over shorter ones at the same place, and a
 * replacement is never substituted again.
 */
export class PronunciationLexicon {
  private readonly matcher = new WordMatcher();
  /** Each word's replacement, its markup read once here rather than at every occurrence in every clause. */
  private readonly replacements = new Map<string, SpeechPart[]>();

  constructor(entries: readonly LexiconEntry[]) {
    for (const entry of entries) {
      if (entry.word.trim() === '') continue;
      const added = this.matcher.add({
        text: entry.word,
        wholeBefore: LATIN_EDGE.test(entry.word[0]),
        wholeAfter: LATIN_EDGE.test(entry.word[entry.word.length - 1]),
      });
      if (added) this.replacements.set(entry.word, parseSpeechMarkup(entry.say));
    }
  }

  get isEmpty(): boolean {
    return this.matcher.isEmpty;
  }

  /** Steps the word matcher has taken over all texts planned so far (for tests of its cost). */
  get matchSteps(): number {
    return this.matcher.steps;
  }

  /** The parts to synthesize for `text`: text runs and pauses, in order. Empty runs are left out. */
  plan(text: string): SpeechPart[] {
    const parts: SpeechPart[] = [];
    const addText = (piece: string) => {
      if (piece === '') return;
      const last = parts[parts.length - 1];
      if (last && 'text' in last) last.text += piece;
      else parts.push({ text: piece });
    };
    const addBreak = (ms: number) => {
      const last = parts[parts.length - 1];
      if (last && 'breakMs' in last) last.breakMs = Math.min(MAX_BREAK_MS, last.breakMs + ms);
      else parts.push({ breakMs: ms });
    };
    let index = 0;
    for (const match of this.matcher.matches(text)) {
      addText(text.slice(index, match.index));
      for (const part of this.replacements.get(match.word.text) ?? []) {
        if ('text' in part) addText(part.text);
        else addBreak(part.breakMs);
      }
      index = match.index + match.length;
    }
    addText(text.slice(index));
    return parts
      .map((part) => ('text' in part ? { text: part.text.replace(/\s+/g, ' ') } : part))
      .filter((part) => ('text' in part ? /[\p{L}\p{N}]/u.test(part.text) : part.breakMs > 0));
  }

  /** The text to synthesize with pauses removed (for engines or logs that want one string). */
  apply(text: string): string {
    return this.plan(text)
      .map((part) => ('text' in part ? part.text : ' '))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_m, name: string) => ENTITIES[name]);
}

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? decodeEntities(match[1] ?? match[2]) : null;
}

/** `300ms`, `1.5s`, `2s` → milliseconds (clamped to 0..5000); anything else → null. */
function parseBreakTime(value: string | null): number | null {
  const match = value ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/i.exec(value) : null;
  if (!match) return null;
  const ms = parseFloat(match[1]) * (match[2].toLowerCase() === 's' ? 1000 : 1);
  return Math.max(0, Math.min(MAX_BREAK_MS, Math.round(ms)));
}

/** Spells text out: "SKU-9" → "S K U 9". */
function spell(text: string): string {
  return [...text].filter((ch) => /[\p{L}\p{N}]/u.test(ch)).join(' ');
}

/** Reads the SSML subset (see the file comment) into text runs and pauses. Never throws. */
export function parseSpeechMarkup(markup: string): SpeechPart[] {
  const parts: SpeechPart[] = [];
  const tagPattern = /<\s*(\/?)\s*([a-zA-Z][\w-]*)([^>]*?)(\/?)\s*>/g;
  let index = 0;
  /** Open sub/say-as elements: while one is open, its content is replaced, not spoken. */
  let capture: { kind: 'sub' | 'say-as'; alias: string | null; characters: boolean; content: string } | null = null;
  const emit = (text: string) => {
    if (capture) capture.content += text;
    else if (text) parts.push({ text });
  };
  for (const match of markup.matchAll(tagPattern)) {
    emit(decodeEntities(markup.slice(index, match.index)));
    index = match.index + match[0].length;
    const closing = match[1] === '/';
    const name = match[2].toLowerCase();
    const selfClosing = match[4] === '/';
    if (name === 'break' && !closing) {
      const ms = parseBreakTime(attribute(match[3], 'time')) ?? 300;
      if (!capture && ms > 0) parts.push({ breakMs: ms });
      continue;
    }
    if ((name === 'sub' || name === 'say-as') && !closing && !selfClosing && !capture) {
      capture = {
        kind: name,
        alias: name === 'sub' ? attribute(match[3], 'alias') : null,
        characters: name === 'say-as' && /^(characters|spell-out|letters)$/i.test(attribute(match[3], 'interpret-as') ?? ''),
        content: '',
      };
      continue;
    }
    if (capture && closing && name === capture.kind) {
      const done = capture;
      capture = null;
      emit(done.kind === 'sub' ? (done.alias ?? done.content) : done.characters ? ` ${spell(done.content)} ` : done.content);
    }
    // Any other tag is dropped; its content is spoken.
  }
  emit(decodeEntities(markup.slice(index)));
  if (capture) {
    // Unclosed element: speak what it held.
    const open: { content: string } = capture;
    capture = null;
    emit(open.content);
  }
  return parts;
}

/**
 * Wraps a speech engine so every clause is spoken through the lexicon: text runs are synthesized one after
 * the other, pauses become silence in the same stream. Captions are made elsewhere from the clause text and
 * never see the lexicon.
 */
export class LexiconTts implements TextToSpeech {
  constructor(
    private readonly inner: TextToSpeech,
    readonly lexicon: PronunciationLexicon,
  ) {}

  get sampleRate(): number {
    return this.inner.sampleRate;
  }

  async *synthesize(text: string, voice: string, signal: AbortSignal, timings?: VisemeTimingsSink): AsyncIterable<Uint8Array> {
    // Bytes of audio already yielded: a later part's viseme timings start that much later in the clause.
    let yieldedBytes = 0;
    for (const part of this.lexicon.plan(text)) {
      if (signal.aborted) return;
      if ('text' in part) {
        const offsetMs = (yieldedBytes / 2 / this.sampleRate) * 1000;
        const shifted = timings && ((cues: readonly VisemeTiming[]) => timings(cues.map((cue) => ({ ...cue, t: cue.t + offsetMs }))));
        for await (const chunk of this.inner.synthesize(part.text.trim(), voice, signal, shifted)) {
          yieldedBytes += chunk.length;
          yield chunk;
        }
        continue;
      }
      // Silence in ~100 ms chunks, so an interrupt during a long pause still stops at once.
      let samples = Math.round((part.breakMs * this.sampleRate) / 1000);
      const chunkSamples = Math.round(this.sampleRate / 10);
      while (samples > 0 && !signal.aborted) {
        const n = Math.min(samples, chunkSamples);
        samples -= n;
        yieldedBytes += n * 2;
        yield new Uint8Array(n * 2);
      }
    }
  }

  close(): Promise<void> {
    // The inner engine is shared; its owner closes it.
    return Promise.resolve();
  }
}
