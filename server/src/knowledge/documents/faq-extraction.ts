/**
 * Document blocks → question/answer drafts. A question starts at a question-like heading, a block that is
 * all bold and asks something, or a "Q:"/"问：" line; its answer is everything after it up to the next
 * question or the next heading of the same or a higher level. The nearest heading above that is not a
 * question names the section, kept as the entry's tag. One pass over the blocks: linear in the document.
 */
import { LIMITS } from '@dhkit/protocol';
import { ANSWER_MARKER, QUESTION_MARKER, type DocumentBlock } from './document-blocks.js';

export interface FaqDraft {
  question: string;
  answer: string;
  /** The section heading above the question, when there is one. */
  section?: string;
}

/**
 * How questions open, for headings and bold lines without a question mark: a question word followed by a
 * verb ("How do I…", "What is…" — not "How it works", "What we do"), or an inverted verb and its subject.
 */
const QUESTION_WORD_VERB =
  '(?:how|what|when|where|why|who|which)\\s+' +
  '(?:do|does|did|is|are|was|were|can|could|should|would|will|to|long|much|many|often|if|happens)';
const INVERTED_VERB =
  '(?:can|could|do|does|did|is|are|will|would|should|may|have|has)\\s+(?:i|you|we|they|it|my|your|our|the|a|an|there|this)';
const QUESTION_OPENING = new RegExp(`^(?:${QUESTION_WORD_VERB}|${INVERTED_VERB})\\b`, 'iu');
/** A Chinese question word near the end ("如何退票", "可以拍照吗"). */
const CHINESE_QUESTION = /(?:怎么|怎样|如何|什么|为什么|为何|哪|几点|几时|几天|几个|多少|是否|能否|可否|吗|呢)[^。！!]{0,12}$/u;

/** "1.", "1)", "Q3:", "问：" and the like before a question. */
const NUMBERING = /^(?:\d{1,3}\s*[.)、．]\s*)/u;

function isQuestionLike(text: string): boolean {
  const line = text.trim();
  if (line.length < 2 || [...line].length > LIMITS.questionMaxChars || line.includes('\n')) return false;
  if (QUESTION_MARKER.test(line)) return true;
  const bare = line.replace(NUMBERING, '');
  return /[?？]$/u.test(bare) || QUESTION_OPENING.test(bare) || CHINESE_QUESTION.test(bare);
}

/** The question's own words: numbering, "Q:" markers and surrounding bold marks removed. */
function questionText(text: string): string {
  return text
    .trim()
    .replace(/^\*\*(.*)\*\*$/u, '$1')
    .replace(QUESTION_MARKER, '')
    .replace(NUMBERING, '')
    .trim();
}

/** Splits a "Q: … (A: …)" block into its question line and the rest (the answer's start, marker removed). */
function markedQuestion(block: Extract<DocumentBlock, { kind: 'content' }>): { question: string; rest: string } | null {
  if (!QUESTION_MARKER.test(block.text.trim())) return null;
  const [first = '', ...others] = block.markdown.trim().split('\n');
  return { question: questionText(first), rest: others.join('\n').trim().replace(ANSWER_MARKER, '') };
}

interface OpenQuestion {
  question: string;
  /** The heading level that ends it (a heading at this level or above); Infinity for non-heading questions. */
  endsAtLevel: number;
  section?: string;
  parts: string[];
}

export function extractFaq(blocks: readonly DocumentBlock[]): { drafts: FaqDraft[]; empty: string[] } {
  const drafts: FaqDraft[] = [];
  const empty: string[] = [];
  let open: OpenQuestion | null = null;
  /** The non-question headings above the current point, by level. */
  const sections: string[] = [];
  const close = () => {
    if (!open) return;
    const answer = open.parts.join('\n\n').trim();
    if (answer === '') empty.push(open.question);
    else drafts.push({ question: open.question, answer, ...(open.section ? { section: open.section } : {}) });
    open = null;
  };
  const section = () => sections.filter(Boolean).at(-1);
  for (const block of blocks) {
    if (block.kind === 'heading') {
      if (isQuestionLike(block.text)) {
        close();
        // A question heading ends the sections at its level and below (it is their sibling, not their child).
        sections.length = Math.min(sections.length, block.level - 1);
        open = { question: questionText(block.text), endsAtLevel: block.level, section: section(), parts: [] };
        continue;
      }
      if (open && block.level <= open.endsAtLevel) close();
      if (open) {
        // A sub-heading inside an answer stays in it.
        open.parts.push(`${'#'.repeat(Math.min(6, block.level))} ${block.text}`);
        continue;
      }
      sections.length = block.level;
      sections[block.level - 1] = block.text.trim();
      continue;
    }
    const marked = markedQuestion(block);
    if (marked || (block.emphasised && isQuestionLike(block.text))) {
      close();
      const question = marked ? marked.question : questionText(block.text);
      open = { question, endsAtLevel: Number.POSITIVE_INFINITY, section: section(), parts: marked?.rest ? [marked.rest] : [] };
      continue;
    }
    if (open) open.parts.push(open.parts.length === 0 ? block.markdown.replace(ANSWER_MARKER, '') : block.markdown);
  }
  close();
  return { drafts, empty };
}
