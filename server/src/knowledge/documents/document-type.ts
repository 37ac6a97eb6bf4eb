/**
 * Which reader a document needs: from its content type, else its file name, checked against its first bytes
 * (a "PDF" that does not start with %PDF- is refused as damaged, not read as text). Text documents must be
 * UTF-8 (a byte-order mark is dropped).
 */
import type { DocumentType } from '@dhkit/protocol';
import { DocumentError } from './document-error.js';

export type { DocumentType };

const BY_MEDIA_TYPE: Record<string, DocumentType> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};
const BY_EXTENSION: Record<string, DocumentType> = {
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  txt: 'text',
  text: 'text',
  pdf: 'pdf',
  docx: 'docx',
};
const SUPPORTED_TYPES = 'Markdown (.md), HTML (.html), plain text (.txt), PDF (.pdf) or Word (.docx)';

const startsWith = (bytes: Uint8Array, text: string) => [...text].every((ch, i) => bytes[i] === ch.charCodeAt(0));

export function documentType(bytes: Uint8Array, mediaType: string | undefined, fileName: string | undefined): DocumentType {
  const media = mediaType?.split(';')[0]?.trim().toLowerCase();
  const extension = fileName?.toLowerCase().match(/\.([a-z]+)$/u)?.[1];
  const type = (media && BY_MEDIA_TYPE[media]) || (extension && BY_EXTENSION[extension]) || undefined;
  if (!type) {
    const named = [media && media !== 'application/octet-stream' ? media : '', fileName ?? ''].filter(Boolean).join(', ');
    throw new DocumentError(`Unknown document type${named ? ` (${named})` : ''}: send ${SUPPORTED_TYPES}.`);
  }
  if (type === 'pdf' && !startsWith(bytes, '%PDF-'))
    throw new DocumentError('The PDF is damaged or not a PDF (it does not start with %PDF-).');
  if (type === 'docx' && !startsWith(bytes, 'PK\x03\x04'))
    throw new DocumentError('The DOCX is damaged or not a Word document (not a ZIP file).');
  return type;
}

/** A text document's characters; refuses bytes that are not UTF-8. */
export function documentText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DocumentError('The document is not UTF-8 text; save it as UTF-8 and import again.');
  }
}
