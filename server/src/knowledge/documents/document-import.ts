/**
 * A FAQ document into a robot's knowledge base (docs/knowledge-base.md#importing-faq-documents): read it
 * (document-type.ts picks the reader), find its questions and answers (faq-extraction.ts), then compare
 * with what an earlier import of the same document left: entries are matched by their key (the normalized
 * question), so a re-import updates and deletes instead of duplicating. Everything is applied in one
 * transaction, or nothing is (a dry run applies nothing and answers the same preview).
 */
import { LIMITS, type DocumentImportResult, type LanguageCode } from '@dhkit/protocol';
import { CodedError } from '../../errors.js';
import { normalizeQuestion } from '../../store/question-analytics.js';
import type { KnowledgeEntry, KnowledgeEntryInput, Store } from '../../store/store.js';
import { detectLanguage } from '../language.js';
import type { ReadDocument } from './document-blocks.js';
import { DocumentError } from './document-error.js';
import { documentText, documentType, type DocumentType } from './document-type.js';
import { extractFaq, type FaqDraft } from './faq-extraction.js';
import { linesToBlocks } from './document-blocks.js';

/** As the entry limits of every other import. */
const MAX_ENTRIES = 5000;
const ANSWER_MAX_CHARS = 10_000;
const TAG_MAX_CHARS = 50;

export interface DocumentImportOptions {
  /** The document's id: a later import with the same id updates its entries. */
  document: string;
  mediaType?: string;
  fileName?: string;
  /** The entries' language; detected per question when not given. */
  language?: LanguageCode;
  dryRun?: boolean;
}

/** The readers load on first use: pdfjs, mammoth and parse5 stay out of the server's and the CLI's start-up. */
async function read(type: DocumentType, bytes: Uint8Array): Promise<ReadDocument> {
  if (type === 'pdf') return (await import('./pdf-reader.js')).readPdf(bytes);
  if (type === 'docx') return (await import('./docx-reader.js')).readDocx(bytes);
  const text = documentText(bytes);
  if (type === 'markdown') return (await import('./markdown-reader.js')).readMarkdown(text);
  if (type === 'html') return (await import('./html-reader.js')).readHtml(text);
  return { blocks: linesToBlocks(text.split(/\r\n|\r|\n/u).map((line) => ({ text: line }))), warnings: [] };
}

/** The entries a document holds, keyed, with the warnings for what was left out. */
async function documentEntries(bytes: Uint8Array, options: DocumentImportOptions) {
  if (bytes.length === 0) throw new DocumentError('The document is empty.');
  const type = documentType(bytes, options.mediaType, options.fileName);
  const { blocks, warnings } = await read(type, bytes);
  const { drafts, empty } = extractFaq(blocks);
  if (drafts.length === 0) {
    throw new DocumentError(
      'No questions found in the document: write each question as a heading or a bold line that ends with "?" (or starts with ' +
        '"Q:"/"问："), and its answer below it.',
    );
  }
  if (drafts.length > MAX_ENTRIES)
    throw new DocumentError(`The document holds ${drafts.length} questions; at most ${MAX_ENTRIES} per import.`);
  if (empty.length > 0)
    warnings.push(
      `${empty.length} question(s) without an answer left out: ${empty
        .slice(0, 5)
        .map((q) => `"${q}"`)
        .join(', ')}.`,
    );
  const entries = new Map<string, KnowledgeEntryInput>();
  for (const draft of drafts) {
    const key = normalizeQuestion(draft.question);
    if (entries.has(key)) {
      warnings.push(`"${draft.question}" is asked twice; the first answer is kept.`);
      continue;
    }
    entries.set(key, entryOf(draft, options.language));
  }
  return { type, entries, warnings };
}

function entryOf(draft: FaqDraft, language: LanguageCode | undefined): KnowledgeEntryInput {
  if ([...draft.question].length > LIMITS.questionMaxChars) {
    throw new DocumentError(`The question "${draft.question.slice(0, 60)}…" is longer than ${LIMITS.questionMaxChars} characters.`);
  }
  if ([...draft.answer].length > ANSWER_MAX_CHARS) {
    throw new DocumentError(
      `The answer to "${draft.question}" is longer than ${ANSWER_MAX_CHARS} characters; split it into several questions.`,
    );
  }
  const tag = draft.section?.replace(/\|/gu, ' ').trim().slice(0, TAG_MAX_CHARS).trim();
  return {
    question: draft.question,
    similarQuestions: [],
    answer: draft.answer,
    language: language ?? detectLanguage(draft.question),
    tags: tag ? [tag] : [],
  };
}

/** The document's version of an entry it imported before; similar questions learned since are kept. */
function updated(current: KnowledgeEntry, next: KnowledgeEntryInput): KnowledgeEntryInput {
  const similarQuestions = [...new Set([...(next.similarQuestions ?? []), ...current.similarQuestions])];
  return { ...next, similarQuestions };
}

function same(a: KnowledgeEntryInput, b: KnowledgeEntryInput): boolean {
  const fields = (e: KnowledgeEntryInput) => JSON.stringify([e.question, e.answer, e.language, e.tags ?? [], e.similarQuestions ?? []]);
  return fields(a) === fields(b);
}

export async function importDocument(
  store: Store,
  robotId: string,
  bytes: Uint8Array,
  options: DocumentImportOptions,
): Promise<DocumentImportResult> {
  const { type, entries, warnings } = await documentEntries(bytes, options);
  const earlier = new Map(
    (await store.listKnowledge(robotId)).filter((e) => e.source?.document === options.document).map((e) => [e.source!.key, e]),
  );
  const result: DocumentImportResult = {
    document: options.document,
    type,
    dryRun: options.dryRun === true,
    ...{ created: 0, updated: 0, unchanged: 0, deleted: 0 },
    entries: [],
    deletedEntryIds: [...earlier].filter(([key]) => !entries.has(key)).map(([, e]) => e.id),
    warnings,
  };
  const insert: Array<KnowledgeEntryInput & { source: { document: string; key: string } }> = [];
  const update: Array<{ id: number; entry: KnowledgeEntryInput }> = [];
  for (const [key, entry] of entries) {
    const current = earlier.get(key);
    if (!current) {
      insert.push({ ...entry, source: { document: options.document, key } });
      result.entries.push({ action: 'create', key, ...entry });
      continue;
    }
    const next = updated(current, entry);
    const action = same(current, next) ? 'unchanged' : 'update';
    if (action === 'update') update.push({ id: current.id, entry: next });
    result.entries.push({ action, key, id: current.id, ...next });
  }
  result.created = insert.length;
  result.updated = update.length;
  result.unchanged = result.entries.length - insert.length - update.length;
  result.deleted = result.deletedEntryIds.length;
  if (result.dryRun || insert.length + update.length + result.deleted === 0) return result;
  const applied = await store.changeKnowledge(robotId, { insert, update, delete: result.deletedEntryIds });
  if (!applied) throw new CodedError('SERVER_BUSY', 'The knowledge base changed during the import; nothing was imported. Import again.');
  // Inserted entries come back first, in order: their ids.
  const created = result.entries.filter((e) => e.action === 'create');
  created.forEach((entry, i) => {
    entry.id = applied.entries[i]!.id;
  });
  return result;
}
