/** Markdown → document blocks, through marked's lexer: block tokens keep their source (tables, images, links stay as written). */
import { Lexer, type Token, type Tokens } from 'marked';
import { linesToBlocks, type DocumentBlock, type ReadDocument } from './document-blocks.js';

/** The plain text of inline tokens (no markup), for recognising questions. */
function plain(tokens: readonly Token[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  return tokens
    .map((t) => ('tokens' in t && t.tokens ? plain(t.tokens, '') : t.type === 'image' ? '' : 'text' in t ? t.text : ''))
    .join('');
}

export function readMarkdown(text: string): ReadDocument {
  const blocks: DocumentBlock[] = [];
  for (const token of new Lexer({ gfm: true }).lex(text)) {
    if (token.type === 'space' || token.type === 'hr' || token.type === 'def') continue;
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      blocks.push({ kind: 'heading', level: heading.depth, text: plain(heading.tokens, heading.text).trim() });
      continue;
    }
    const markdown = token.raw.trim();
    if (token.type === 'paragraph') {
      const paragraph = token as Tokens.Paragraph;
      const inline = paragraph.tokens.filter((t) => !(t.type === 'text' && t.raw.trim() === ''));
      const emphasised = inline.length === 1 && inline[0]!.type === 'strong';
      // A paragraph's lines may hold "Q: … / A: …" pairs: read them as lines.
      if (/^(?:Q|问)/imu.test(markdown) && markdown.includes('\n')) {
        blocks.push(...linesToBlocks(markdown.split('\n').map((line) => ({ text: line }))));
        continue;
      }
      blocks.push({ kind: 'content', markdown, text: plain(paragraph.tokens, paragraph.text).trim(), emphasised });
      continue;
    }
    blocks.push({ kind: 'content', markdown, text: 'text' in token && typeof token.text === 'string' ? token.text : markdown });
  }
  return { blocks, warnings: [] };
}
