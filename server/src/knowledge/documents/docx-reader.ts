/**
 * DOCX → document blocks: mammoth turns the Word document into semantic HTML (headings by style, lists,
 * tables, bold), which the HTML reader takes from there. A DOCX is a ZIP: its unpacked size is checked from
 * the ZIP's own directory first, so a small file that unpacks to gigabytes is refused before anything is
 * inflated. Embedded pictures are not inlined (they would be megabytes of base64 in an answer).
 */
import mammoth from 'mammoth';
import { DocumentError } from './document-error.js';
import type { ReadDocument } from './document-blocks.js';
import { readHtml } from './html-reader.js';
import { zipUnpackedBytes } from './zip-directory.js';

/** Far more than the text of any FAQ; a Word file's XML is a few times its text. */
export const MAX_DOCX_UNPACKED_BYTES = 64 * 1024 * 1024;

export async function readDocx(bytes: Uint8Array): Promise<ReadDocument> {
  const unpacked = zipUnpackedBytes(bytes);
  if (unpacked === null) throw new DocumentError('The DOCX is damaged: it is not a readable ZIP file.');
  if (unpacked > MAX_DOCX_UNPACKED_BYTES) {
    throw new DocumentError(`The DOCX unpacks to ${unpacked} bytes; at most ${MAX_DOCX_UNPACKED_BYTES} are read.`);
  }
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    html = result.value;
  } catch (error) {
    throw new DocumentError('The DOCX is damaged or not a Word document.', { cause: error });
  }
  return readHtml(html);
}
