/**
 * PDF → document blocks, through pdfjs-dist's legacy Node build: text only (no rendering), no worker thread
 * (pdfjs runs its parser in this thread), no network, no eval, no fonts loaded. Lines are rebuilt from the
 * text items; a larger type than the body text marks a heading; a gap between lines marks a paragraph.
 * Tables and pictures of a PDF come through as text lines only.
 *
 * Chinese, Japanese and Korean text: fonts with a ToUnicode map (what most writers embed) are read as they
 * are; fonts that name one of Adobe's predefined CMaps instead (UniGB-UCS2-H, GBK-EUC-H, B5pc-H… with a
 * non-embedded STSong-Light and the like) need that CMap to turn their codes into characters, so pdfjs is
 * pointed at the CMaps its package ships (read from disk, never fetched). Without them such a PDF reads as
 * empty.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { linesToBlocks, type ReadDocument } from './document-blocks.js';
import { DocumentError } from './document-error.js';

/** More pages than a FAQ has; bounds the work a single upload can cause. */
export const MAX_PDF_PAGES = 500;
/** More text than any FAQ (about 2,500 pages of prose). */
const MAX_PDF_TEXT_CHARS = 5_000_000;
/** pdfjs-dist's packed (.bcmap) predefined CMaps; pdfjs's Node build reads `${cMapUrl}${name}.bcmap` from disk. */
const CMAP_DIR = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'cmaps')}/`;

interface PdfLine {
  text: string;
  size: number;
  y: number;
  /** Starts a new paragraph (page start or a gap above it). */
  gapAbove: boolean;
}

interface TextItem {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
}

async function open(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  try {
    // A copy: pdfjs takes ownership of (detaches) the buffer it is given.
    const task = getDocument({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      disableAutoFetch: true,
      disableStream: true,
      cMapUrl: CMAP_DIR,
      cMapPacked: true,
      verbosity: 0,
    });
    return await task.promise;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'PasswordException')
      throw new DocumentError('The PDF is protected by a password; remove the protection and import again.');
    throw new DocumentError('The PDF is damaged or not a PDF.', { cause: error });
  }
}

async function pageLines(document: PDFDocumentProxy, pageNumber: number): Promise<PdfLine[]> {
  const page = await document.getPage(pageNumber);
  const content = await page.getTextContent();
  const lines: PdfLine[] = [];
  let current: PdfLine | null = null;
  for (const raw of content.items) {
    if (!('str' in raw)) continue;
    const item = raw as TextItem;
    const y = item.transform[5] ?? 0;
    const size = item.height || Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0);
    if (current && Math.abs(current.y - y) > Math.max(current.size, size) / 2) {
      lines.push(current);
      current = null;
    }
    if (!current) {
      const previous = lines.at(-1);
      const gapAbove = !previous || previous.y - y > 1.6 * Math.max(previous.size, size);
      current = { text: '', size: 0, y, gapAbove };
    }
    current.text += item.str;
    if (item.str.trim()) current.size = Math.max(current.size, size);
    if (item.hasEOL) {
      lines.push(current);
      current = null;
    }
  }
  if (current) lines.push(current);
  page.cleanup();
  return lines.filter((line) => line.text.trim() !== '');
}

/** The body text's size: the one most characters are set in. */
function bodySize(lines: readonly PdfLine[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) chars.set(Math.round(line.size), (chars.get(Math.round(line.size)) ?? 0) + line.text.length);
  return [...chars].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

export async function readPdf(bytes: Uint8Array): Promise<ReadDocument> {
  const document = await open(bytes);
  try {
    if (document.numPages > MAX_PDF_PAGES)
      throw new DocumentError(`The PDF has ${document.numPages} pages; at most ${MAX_PDF_PAGES} are read.`);
    const lines: PdfLine[] = [];
    let chars = 0;
    for (let page = 1; page <= document.numPages; page++) {
      const found = await pageLines(document, page);
      if (found[0]) found[0].gapAbove = true;
      lines.push(...found);
      chars += found.reduce((sum, line) => sum + line.text.length, 0);
      if (chars > MAX_PDF_TEXT_CHARS) throw new DocumentError(`The PDF holds more than ${MAX_PDF_TEXT_CHARS} characters of text.`);
    }
    const body = bodySize(lines);
    // Larger sizes than the body's, largest first: heading levels 1, 2, 3…
    const headingSizes = [...new Set(lines.map((l) => Math.round(l.size)).filter((s) => s >= body * 1.15))].sort((a, b) => b - a);
    const asText = lines.flatMap((line) => {
      const level = headingSizes.indexOf(Math.round(line.size));
      const entry = level >= 0 ? { text: line.text, heading: Math.min(level + 1, 6) } : { text: line.text };
      return line.gapAbove ? [{ text: '' }, entry] : [entry];
    });
    return { blocks: linesToBlocks(asText), warnings: [] };
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw new DocumentError('The PDF is damaged: its text could not be read.', { cause: error });
  } finally {
    await document.destroy();
  }
}
