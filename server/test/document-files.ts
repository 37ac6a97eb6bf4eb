/**
 * Small real FAQ documents made in the test: PDFs written object by object (standard Helvetica, so no font
 * file is needed; an /Encrypt dictionary makes one password-protected), and DOCX files zipped from their
 * WordprocessingML parts with jszip (heading styles, bold runs, a table).
 */
import JSZip from 'jszip';

export interface PdfLine {
  text: string;
  /** Font size in points (default 11). */
  size?: number;
}

const pdfString = (text: string) => text.replace(/[\\()]/gu, (ch) => `\\${ch}`);

/** A one-page-per-`pages` PDF; each line set at its size, a blank line as a gap. */
export function pdfFile(pages: PdfLine[][], options: { encrypted?: boolean } = {}): Buffer {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: string[] = [];
  const fontId = 3;
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  for (const lines of pages) {
    let y = 760;
    const ops = lines.map(({ text, size = 11 }) => {
      y -= text === '' ? size : size * 1.4;
      return text === '' ? '' : `BT /F1 ${size} Tf 72 ${y.toFixed(1)} Td (${pdfString(text)}) Tj ET`;
    });
    const content = ops.filter(Boolean).join('\n');
    objects.push(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    const contentId = objects.length;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentId} 0 R /Resources << /Font << /F1 ${fontId} 0 R >> >> >>`,
    );
    kids.push(`${objects.length} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${kids.length} >>`;
  let encrypt = '';
  if (options.encrypted) {
    // A user password is set: the /U value does not match the empty password, so readers must ask for one.
    objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`);
    encrypt = ` /Encrypt ${objects.length} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`;
  }
  return writePdf(objects, encrypt);
}

/** Objects 1..n (object 1 the catalog) with their cross-reference table; `trailer` adds to the trailer. */
export function writePdf(objects: readonly string[], trailer = ''): Buffer {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export type DocxParagraph = { heading?: number; bold?: boolean; text: string } | { table: string[][] };

const xml = (text: string) => text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

function paragraphXml(p: Exclude<DocxParagraph, { table: string[][] }>): string {
  const style = p.heading ? `<w:pPr><w:pStyle w:val="Heading${p.heading}"/></w:pPr>` : '';
  const run = `<w:r>${p.bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${xml(p.text)}</w:t></w:r>`;
  return `<w:p>${style}${run}</w:p>`;
}

function tableCellXml(text: string): string {
  return `<w:tc>${paragraphXml({ text })}</w:tc>`;
}

export async function docxFile(paragraphs: DocxParagraph[]): Promise<Buffer> {
  const body = paragraphs
    .map((p) =>
      'table' in p
        ? `<w:tbl>${p.table.map((row) => `<w:tr>${row.map((cell) => tableCellXml(cell)).join('')}</w:tr>`).join('')}</w:tbl>`
        : paragraphXml(p),
    )
    .join('');
  const styles = [1, 2, 3]
    .map((n) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/></w:style>`)
    .join('');
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ' +
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ' +
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ' +
      'Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/_rels/document.xml.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" ' +
      'Target="styles.xml"/></Relationships>',
  );
  zip.file('word/styles.xml', `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}>${styles}</w:styles>`);
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A ZIP whose directory claims an entry unpacks to 4 GB (a "zip bomb" as the size check sees it). */
export async function zipBomb(): Promise<Buffer> {
  const zip = await docxFile([{ heading: 2, text: 'How big is this?' }, { text: 'Very.' }]);
  const bytes = Buffer.from(zip);
  // Patch each central-directory entry's uncompressed size (offset 24) to 0xfffffff0.
  for (
    let at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    at >= 0;
    at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)
  ) {
    bytes.writeUInt32LE(0xfffffff0, at + 24);
  }
  return bytes;
}
