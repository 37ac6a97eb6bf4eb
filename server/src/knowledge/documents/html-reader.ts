/**
 * HTML → document blocks, through parse5 (the WHATWG parsing algorithm, so any real-world page parses as a
 * browser would). Headings, paragraphs, lists, tables (as Markdown tables), pictures and links become
 * Markdown; FAQ markup is understood: <dt>/<dd> and <details><summary> are question and answer. Scripts,
 * styles and forms are dropped. Embedded pictures (data: URLs, as DOCX files have) cannot be linked from an
 * answer: their alt text stays and a warning says how many were left out.
 */
import { parse } from 'parse5';
import type { DocumentBlock, ReadDocument } from './document-blocks.js';

interface HtmlNode {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: HtmlNode[];
  content?: HtmlNode;
}

const SKIPPED = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'head',
  'form',
  'button',
  'select',
  'textarea',
  'svg',
  'iframe',
  'nav',
]);
const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6, dt: 6, summary: 6 };
const BLOCKS = new Set(['p', 'ul', 'ol', 'table', 'pre', 'blockquote', 'img', 'figure', 'dd', 'hr']);

const attr = (node: HtmlNode, name: string) => node.attrs?.find((a) => a.name === name)?.value ?? '';
const collapse = (text: string) => text.replace(/\s+/gu, ' ');
/** Markdown link targets with spaces or parentheses in angle brackets. */
const target = (url: string) => (/[\s()<>]/u.test(url) ? `<${url.replace(/[<>]/gu, encodeURIComponent)}>` : url);

class HtmlToBlocks {
  readonly blocks: DocumentBlock[] = [];
  embeddedPictures = 0;
  /** Inline content of the paragraph being gathered (text directly inside a div, between blocks). */
  private loose: HtmlNode[] = [];

  walk(nodes: readonly HtmlNode[]): void {
    for (const node of nodes) {
      const tag = node.tagName;
      if (!tag) {
        this.loose.push(node);
        continue;
      }
      if (SKIPPED.has(tag)) continue;
      if (tag in HEADINGS) {
        this.flushLoose();
        const text = collapse(this.inline([node], false)).trim();
        if (text) this.blocks.push({ kind: 'heading', level: HEADINGS[tag]!, text });
      } else if (BLOCKS.has(tag)) {
        this.flushLoose();
        this.block(node);
      } else if (isInline(tag)) {
        this.loose.push(node);
      } else {
        this.flushLoose();
        this.walk(node.content?.childNodes ?? node.childNodes ?? []);
        this.flushLoose();
      }
    }
  }

  flushLoose(): void {
    if (this.loose.length === 0) return;
    const nodes = this.loose;
    this.loose = [];
    this.paragraph(nodes);
  }

  private paragraph(nodes: readonly HtmlNode[]): void {
    const markdown = this.inline(nodes, true)
      .replace(/[ \t]+/gu, ' ')
      .replace(/ ?\n ?/gu, '\n')
      .trim();
    if (!markdown) return;
    const elements = nodes.filter((n) => n.tagName || (n.value ?? '').trim() !== '');
    const emphasised = elements.length === 1 && (elements[0]!.tagName === 'strong' || elements[0]!.tagName === 'b');
    this.blocks.push({ kind: 'content', markdown, text: collapse(this.inline(nodes, false)).trim(), emphasised });
  }

  private block(node: HtmlNode): void {
    const tag = node.tagName!;
    const children = node.childNodes ?? [];
    if (tag === 'p' || tag === 'dd' || tag === 'figure') return tag === 'p' ? this.paragraph(children) : this.walkAsBlock(children);
    if (tag === 'img') return this.paragraph([node]);
    if (tag === 'ul' || tag === 'ol') return this.content(this.list(node, 0));
    if (tag === 'table') return this.content(this.table(node));
    if (tag === 'pre') return this.content(`\`\`\`\n${this.text(node).replace(/\n$/u, '')}\n\`\`\``);
    if (tag === 'blockquote') {
      const text = collapse(this.inline(children, true)).trim();
      if (text) this.content(`> ${text}`);
    }
  }

  private walkAsBlock(children: readonly HtmlNode[]): void {
    this.walk(children);
    this.flushLoose();
  }

  private content(markdown: string): void {
    if (markdown.trim()) this.blocks.push({ kind: 'content', markdown, text: markdown });
  }

  private list(node: HtmlNode, depth: number): string {
    const ordered = node.tagName === 'ol';
    const items = (node.childNodes ?? []).filter((n) => n.tagName === 'li');
    return items
      .map((item, i) => {
        const nested = (item.childNodes ?? []).filter((n) => n.tagName === 'ul' || n.tagName === 'ol');
        const own = (item.childNodes ?? []).filter((n) => !nested.includes(n));
        const line = `${'  '.repeat(depth)}${ordered ? `${i + 1}.` : '-'} ${collapse(this.inline(own, true)).trim()}`;
        return [line, ...nested.map((n) => this.list(n, depth + 1))].join('\n');
      })
      .join('\n');
  }

  private table(node: HtmlNode): string {
    const rows: string[][] = [];
    const visit = (n: HtmlNode) => {
      if (n.tagName === 'tr') {
        const cells = (n.childNodes ?? []).filter((c) => c.tagName === 'td' || c.tagName === 'th');
        rows.push(
          cells.map((c) =>
            collapse(this.inline(c.childNodes ?? [], true))
              .trim()
              .replace(/\|/gu, '\\|'),
          ),
        );
      } else if (n.tagName !== 'table' || n === node) {
        for (const child of n.childNodes ?? []) visit(child);
      }
    };
    visit(node);
    if (rows.length === 0) return '';
    const width = Math.max(...rows.map((r) => r.length));
    const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ')} |`;
    return [line(rows[0]!), line(Array(width).fill('---')), ...rows.slice(1).map(line)].join('\n');
  }

  /** Inline content as Markdown (`markup`) or as plain text. */
  private inline(nodes: readonly HtmlNode[], markup: boolean): string {
    return nodes.map((node) => this.inlineNode(node, markup)).join('');
  }

  private inlineNode(node: HtmlNode, markup: boolean): string {
    if (node.nodeName === '#text') return node.value ?? '';
    const tag = node.tagName;
    if (!tag || SKIPPED.has(tag)) return '';
    const inner = () => this.inline(node.childNodes ?? [], markup);
    if (tag === 'br') return '\n';
    if (tag === 'img') return markup ? this.picture(node) : '';
    if (!markup) return inner();
    if (tag === 'strong' || tag === 'b') return wrap(inner(), '**');
    if (tag === 'em' || tag === 'i') return wrap(inner(), '*');
    if (tag === 'code') return wrap(inner(), '`');
    if (tag === 'a') {
      const href = attr(node, 'href');
      const text = collapse(inner()).trim();
      return /^(https?:|mailto:|tel:|\/)/iu.test(href) && text ? `[${text}](${target(href)})` : inner();
    }
    return inner();
  }

  private picture(node: HtmlNode): string {
    const src = attr(node, 'src').trim();
    const alt = collapse(attr(node, 'alt')).trim().replace(/[[\]]/gu, '');
    if (/^(https?:|\/)/iu.test(src)) return `![${alt}](${target(src)})`;
    this.embeddedPictures++;
    return alt ? `[${alt}]` : '';
  }

  private text(node: HtmlNode): string {
    return node.nodeName === '#text' ? (node.value ?? '') : (node.childNodes ?? []).map((c) => this.text(c)).join('');
  }
}

function wrap(text: string, mark: string): string {
  const trimmed = text.trim();
  return trimmed ? `${mark}${trimmed}${mark}` : text;
}

const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'br',
  'cite',
  'code',
  'data',
  'em',
  'i',
  'img',
  'kbd',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
  'del',
  'ins',
  'font',
  'label',
]);
function isInline(tag: string): boolean {
  return INLINE.has(tag);
}

export function readHtml(html: string): ReadDocument {
  const document = parse(html) as unknown as HtmlNode;
  const reader = new HtmlToBlocks();
  reader.walk(document.childNodes ?? []);
  reader.flushLoose();
  const warnings =
    reader.embeddedPictures > 0
      ? [`${reader.embeddedPictures} embedded picture(s) left out (only their alt text is kept): host them and link them from the answer.`]
      : [];
  return { blocks: reader.blocks, warnings };
}
