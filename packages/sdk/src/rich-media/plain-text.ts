/** Plain text of sanitized answer DOM, for live regions and captions. No dependencies. */

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'table',
  'tr',
  'caption',
  'hr',
  'details',
  'summary',
  'figure',
  'figcaption',
]);

/**
 * The plain text of a rendered answer, for a live region or a caption: blocks become lines, pictures their
 * alt text, whitespace collapsed.
 */
export function answerPlainText(rendered: { fragment: Node } | Node): string {
  const root = 'fragment' in rendered ? rendered.fragment : rendered;
  return textOf(root)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function textOf(node: Node): string {
  let out = '';
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3) {
      out += child.nodeValue ?? '';
    } else if (child.nodeType === 1) {
      const tag = (child as Element).localName;
      if (tag === 'br') out += '\n';
      else if (tag === 'img') out += ` ${(child as Element).getAttribute('alt') ?? ''} `;
      else if (tag === 'video') out += ` ${(child as Element).getAttribute('title') ?? ''} `;
      else if (BLOCK_TAGS.has(tag)) out += `\n${textOf(child)}\n`;
      else if (tag === 'td' || tag === 'th') out += ` ${textOf(child)} `;
      else out += textOf(child);
    }
  }
  return out;
}
