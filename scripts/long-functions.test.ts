import { describe, expect, it } from 'vitest';
import { longFunctions, longFunctionsIn } from './long-functions.mjs';

interface Hit {
  path?: string;
  line: number;
  name: string;
  lines: number;
}

describe('no function over 80 lines (scripts/long-functions.mjs)', () => {
  it('finds none in packages/, server/, bench/ and scripts/ (tests left out)', () => {
    const hits = (longFunctions() as Hit[]).map((hit) => `${hit.path}:${hit.line} ${hit.name} (${hit.lines} lines)`);
    expect(hits).toEqual([]);
  });

  it('reports a long function, method or arrow function by name and line, and not a short one', () => {
    const body = Array.from({ length: 81 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = [
      `export function long() {\n${body}\n}`,
      `class C {\n  method() {\n${body}\n  }\n}`,
      `const arrow = () => {\n${body}\n};`,
      'function short() {\n  return 1;\n}',
    ].join('\n');
    const hits = (longFunctionsIn('x.ts', text) as Hit[]).map(({ line, name, lines }) => `${line} ${name} ${lines}`);
    expect(hits).toEqual(['1 long 83', '85 method 83', '169 arrow 83']);
  });
});
