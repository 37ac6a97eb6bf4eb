/**
 * Chinese PDFs made in the test, the two ways writers set CJK text (no font file is embedded in either; text
 * extraction needs none):
 * - `identity`: a Type0 font with Identity-H encoding — each character a glyph id of the writer's choosing —
 *   and a ToUnicode CMap that maps the ids back to characters (Word, browsers, most embedding writers);
 * - `unigb`: a Type0 font naming Adobe's predefined UniGB-UCS2-H CMap over the non-embedded STSong-Light,
 *   with no ToUnicode (the "Asian font pack" way of older and lighter writers): the codes are UCS-2 and the
 *   reader needs Adobe's CMap to map them.
 */
import { writePdf, type PdfLine } from './document-files.js';

export type CjkPdfFont = 'identity' | 'unigb';

const hex4 = (n: number) => n.toString(16).padStart(4, '0').toUpperCase();
/** UTF-16BE code units as hex (for ToUnicode destinations and UCS-2 codes). */
const utf16Hex = (text: string) => [...text].flatMap((char) => (char.length === 2 ? [...char] : [char])).map((u) => hex4(u.charCodeAt(0)));

function toUnicodeCMap(ids: ReadonlyMap<string, number>): string {
  const pairs = [...ids].map(([char, id]) => `<${hex4(id)}> <${utf16Hex(char).join('')}>`);
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    `${pairs.length} beginbfchar`,
    ...pairs,
    'endbfchar',
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

/** Adds the font's objects; returns its object number and how a line of text is encoded for `Tj`. */
function addFont(objects: string[], font: CjkPdfFont, text: string): { id: number; encode: (text: string) => string } {
  const descriptor = (name: string) =>
    `<< /Type /FontDescriptor /FontName /${name} /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 ` +
    '/Descent -141 /CapHeight 700 /StemV 80 >>';
  if (font === 'identity') {
    const ids = new Map([...new Set(text)].map((char, i) => [char, i + 1]));
    const cmap = toUnicodeCMap(ids);
    const toUnicode = objects.push(`<< /Length ${Buffer.byteLength(cmap, 'latin1')} >>\nstream\n${cmap}\nendstream`);
    const fontDescriptor = objects.push(descriptor('SimSun'));
    const cidFont = objects.push(
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) ` +
        `/Supplement 0 >> /FontDescriptor ${fontDescriptor} 0 R /DW 1000 >>`,
    );
    const id = objects.push(
      `<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] ` +
        `/ToUnicode ${toUnicode} 0 R >>`,
    );
    return { id, encode: (line) => [...line].map((char) => hex4(ids.get(char)!)).join('') };
  }
  const fontDescriptor = objects.push(descriptor('STSong-Light'));
  const cidFont = objects.push(
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) ' +
      `/Supplement 4 >> /FontDescriptor ${fontDescriptor} 0 R /DW 1000 >>`,
  );
  const id = objects.push(
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`,
  );
  return { id, encode: (line) => utf16Hex(line).join('') };
}

/** One page; each line at its size (default 11), a blank line as a gap. Characters outside the BMP are not supported. */
export function cjkPdfFile(lines: readonly PdfLine[], font: CjkPdfFont): Buffer {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const { id: fontId, encode } = addFont(objects, font, lines.map((line) => line.text).join(''));
  let y = 760;
  const content = lines
    .map(({ text, size = 11 }) => {
      y -= text === '' ? size : size * 1.4;
      return text === '' ? '' : `BT /F1 ${size} Tf 72 ${y.toFixed(1)} Td <${encode(text)}> Tj ET`;
    })
    .filter(Boolean)
    .join('\n');
  const contentId = objects.push(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
  const pageId = objects.push(
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentId} 0 R /Resources << /Font << /F1 ${fontId} 0 R >> >> >>`,
  );
  objects[1] = `<< /Type /Pages /Kids [${pageId} 0 R] /Count 1 >>`;
  return writePdf(objects);
}
