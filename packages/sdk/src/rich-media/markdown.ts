/** Answers are GitHub-flavoured markdown with line breaks kept, as knowledge-base editors and LLMs write them. */
import { Marked } from 'marked';

const markdown = new Marked({ gfm: true, breaks: true, async: false });

/** The answer as HTML (inline HTML passes through: the sanitizer deals with it). */
export function markdownToHtml(answer: string): string {
  return markdown.parse(answer, { async: false });
}
