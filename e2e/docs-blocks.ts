/** The fenced code blocks of a markdown document, for the tests that run the docs. */
export interface FencedBlock {
  /** The info string's first word: `sh`, `html`, `js`, `tsx`, … */
  lang: string;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((text, j) => j > i && text.startsWith(open[1]) && !text.slice(open[1].length).trim());
    if (end < 0) break;
    blocks.push({ lang: open[2], code: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return blocks;
}

// A block that is a file to save names it on its first line: `<!-- index.html -->`, `// site.mjs: …`, `/* site.css … */`.
export function fileNameOf(block: FencedBlock): string | null {
  const first = block.code.split('\n', 1)[0];
  return /^\s*(?:<!--|\/\*|\/\/)\s*([\w-]+\.(?:html|css|js|mjs))\b/.exec(first)?.[1] ?? null;
}
