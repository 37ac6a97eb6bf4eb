/**
 * What every document reader (Markdown, HTML, DOCX, PDF, plain text) turns a document into: a flat list of
 * headings and content blocks, the content already as Markdown (tables, images and links kept). The FAQ
 * extraction (faq-extraction.ts) works on this alone, so every format finds questions the same way.
 */
export type DocumentBlock =
  /** A heading; `level` 1 is the largest. `text` is plain (no markup). */
  | { kind: 'heading'; level: number; text: string }
  /**
   * A paragraph, list, table, picture or code block. `text` is its plain text, for recognising questions;
   * `emphasised` when the whole block is bold ("**How do I …?**" as a question line).
   */
  | { kind: 'content'; markdown: string; text: string; emphasised?: boolean };

/** What a reader hands over: the blocks, and what it had to leave out (told to the caller). */
export interface ReadDocument {
  blocks: DocumentBlock[];
  warnings: string[];
}

/**
 * Plain-text lines (a text file, a PDF's text) as blocks: blank lines separate paragraphs; a line on its own
 * that ends with a question mark starts a question, as does a "Q:"/"问：" line; `heading` marks lines a
 * reader knows to be headings (a PDF's larger type).
 */
export function linesToBlocks(lines: ReadonlyArray<{ text: string; heading?: number }>): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length === 0) return;
    const markdown = paragraph.join('\n');
    blocks.push({ kind: 'content', markdown, text: markdown });
    paragraph = [];
  };
  for (const { text, heading } of lines) {
    const line = text.trim();
    if (line === '') {
      flush();
      continue;
    }
    if (heading !== undefined) {
      flush();
      blocks.push({ kind: 'heading', level: heading, text: line });
    } else if (QUESTION_LINE.test(line) && !QUESTION_MARKER.test(line)) {
      // A question on a line of its own heads what follows, as a heading would (below any real heading).
      flush();
      blocks.push({ kind: 'heading', level: QUESTION_LINE_LEVEL, text: line });
    } else if (QUESTION_MARKER.test(line) || ANSWER_MARKER.test(line)) {
      // Question and answer marker lines start blocks of their own: "Q: …" lines need no blank line between them.
      flush();
      paragraph.push(line);
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

/** "Q:", "Q1.", "Question:", "问：", "问题1：" at the start of a line. */
export const QUESTION_MARKER = /^(?:Q(?:uestion)?\s*\d*\s*[:：.．、)]|问题?\s*\d*\s*[:：、.．])\s*/iu;
/** "A:", "Answer:", "答：", "回答：" at the start of a line. */
export const ANSWER_MARKER = /^(?:A(?:nswer)?\s*\d*\s*[:：.．、)]|(?:回)?答\s*\d*\s*[:：、.．])\s*/iu;
/** Below every heading a reader reports, so a real heading ends the question's answer. */
const QUESTION_LINE_LEVEL = 7;
/** A line that asks something: ends with a question mark (Latin or full-width), at most a short line. */
const QUESTION_LINE = /^.{2,300}[?？]$/u;
