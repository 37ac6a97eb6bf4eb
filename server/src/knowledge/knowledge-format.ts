/**
 * Knowledge entries in and out of files: the CSV format (docs/knowledge-base.md) and the row checks shared
 * by the CSV import, the CLI's JSON import and the API (whose JSON bodies are checked by the schema with
 * the same limits). Parsing and quoting are csv-parse's and csv-stringify's (RFC 4180: quoted fields may
 * hold commas, quotes and line breaks); a UTF-8 byte-order mark is accepted on import.
 */
import { LIMITS, SUPPORTED_LANGUAGES, isLanguageCode, type LanguageCode } from '@dhkit/protocol';
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { detectLanguage } from './language.js';
import type { KnowledgeEntry, KnowledgeEntryInput } from '../store/store.js';
import { CodedError } from '../errors.js';

const KNOWLEDGE_LIMITS = {
  /** Entries per import (one request or one file). */
  entriesPerImport: 5000,
  questionMaxChars: LIMITS.questionMaxChars,
  similarQuestionsMax: 50,
  answerMaxChars: 10_000,
  tagsMax: 20,
  tagMaxChars: 50,
} as const;

/** The CSV header, in this order on export; on import the order is free and only question and answer are required. */
const KNOWLEDGE_CSV_COLUMNS = ['question', 'similarQuestions', 'answer', 'language', 'tags'] as const;
/** Separates similar questions and tags inside one CSV cell. */
const LIST_SEPARATOR = '|';

/** A file or row that cannot be imported; the message names the row and field. Nothing is imported then. */
export class KnowledgeFormatError extends CodedError<'INVALID_REQUEST'> {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
    this.name = 'KnowledgeFormatError';
  }
}

/** An entry as a caller writes it: language optional (detected from the question), lists optional. */
export interface KnowledgeEntryDraft {
  question: string;
  similarQuestions?: string[];
  answer: string;
  language?: LanguageCode;
  tags?: string[];
}

/** Fills the language from the question when absent and copies the lists. */
export function completeEntry(draft: KnowledgeEntryDraft): KnowledgeEntryInput {
  return {
    question: draft.question,
    similarQuestions: [...(draft.similarQuestions ?? [])],
    answer: draft.answer,
    language: draft.language ?? detectLanguage(draft.question),
    tags: [...(draft.tags ?? [])],
  };
}

const length = (text: string) => [...text].length;

/**
 * Checks one entry of unknown shape (a JSON file's, or a CSV row turned into fields) against the same
 * limits as the API's schema. `where` names it in messages ("Row 4", "Entry 2").
 */
function checkEntry(value: unknown, where: string): KnowledgeEntryInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new KnowledgeFormatError(`${where}: must be an object.`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    // id, robotId and createdAt come with an export; they are ignored so an export imports again.
    if (!['question', 'similarQuestions', 'answer', 'language', 'tags', 'id', 'robotId', 'createdAt'].includes(key)) {
      throw new KnowledgeFormatError(`${where}: unknown field "${key}".`);
    }
  }
  const text = (field: string, max: number): string => {
    const v = record[field];
    if (typeof v !== 'string' || v.trim() === '') throw new KnowledgeFormatError(`${where}: ${field} is missing or empty.`);
    if (length(v) > max) throw new KnowledgeFormatError(`${where}: ${field} is longer than ${max} characters.`);
    return v;
  };
  const list = (field: string, maxItems: number, maxChars: number): string[] => {
    const v = record[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new KnowledgeFormatError(`${where}: ${field} must be a list of strings.`);
    if (v.length > maxItems) throw new KnowledgeFormatError(`${where}: ${field} has more than ${maxItems} items.`);
    return v.map((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') throw new KnowledgeFormatError(`${where}: ${field}[${i}] is missing or empty.`);
      if (length(item) > maxChars) throw new KnowledgeFormatError(`${where}: ${field}[${i}] is longer than ${maxChars} characters.`);
      return item;
    });
  };
  const language = record.language;
  if (language !== undefined && !isLanguageCode(language)) {
    throw new KnowledgeFormatError(
      `${where}: language must be one of ${SUPPORTED_LANGUAGES.join(', ')} (or empty), not ${JSON.stringify(language)}.`,
    );
  }
  const tags = list('tags', KNOWLEDGE_LIMITS.tagsMax, KNOWLEDGE_LIMITS.tagMaxChars);
  tags.forEach((tag, i) => {
    if (tag.includes(LIST_SEPARATOR)) throw new KnowledgeFormatError(`${where}: tags[${i}] must not contain "${LIST_SEPARATOR}".`);
  });
  return completeEntry({
    question: text('question', KNOWLEDGE_LIMITS.questionMaxChars).trim(),
    similarQuestions: list('similarQuestions', KNOWLEDGE_LIMITS.similarQuestionsMax, KNOWLEDGE_LIMITS.questionMaxChars).map((q) =>
      q.trim(),
    ),
    answer: text('answer', KNOWLEDGE_LIMITS.answerMaxChars),
    language: language as LanguageCode | undefined,
    tags: tags.map((tag) => tag.trim()),
  });
}

function splitList(cell: string | undefined): string[] | undefined {
  if (cell === undefined) return undefined;
  const items = cell
    .split(LIST_SEPARATOR)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items;
}

/**
 * Parses a knowledge CSV (header row first; see KNOWLEDGE_CSV_COLUMNS). Throws KnowledgeFormatError naming
 * the row (the header is row 1) and its first line in the file, for malformed CSV and for invalid fields.
 */
export function parseKnowledgeCsv(text: string): KnowledgeEntryInput[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let header: string[] = [];
  try {
    records = parse(text, {
      bom: true,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim());
        return header;
      },
      skip_empty_lines: true,
      info: true,
      max_record_size: 1024 * 1024,
    }) as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new KnowledgeFormatError(`CSV is malformed${line ? ` near line ${line}` : ''}: ${error.message}`);
    }
    throw error;
  }
  if (header.length === 0) throw new KnowledgeFormatError('CSV is empty: the first row must name the columns (question,answer at least).');
  for (const name of header) {
    if (!(KNOWLEDGE_CSV_COLUMNS as readonly string[]).includes(name)) {
      throw new KnowledgeFormatError(`CSV header: unknown column "${name}"; columns are ${KNOWLEDGE_CSV_COLUMNS.join(',')}.`);
    }
  }
  if (new Set(header).size !== header.length) throw new KnowledgeFormatError('CSV header: a column appears twice.');
  for (const required of ['question', 'answer']) {
    if (!header.includes(required)) throw new KnowledgeFormatError(`CSV header: column "${required}" is missing.`);
  }
  if (records.length === 0) throw new KnowledgeFormatError('CSV has a header but no entries.');
  if (records.length > KNOWLEDGE_LIMITS.entriesPerImport) {
    throw new KnowledgeFormatError(`CSV has ${records.length} entries; at most ${KNOWLEDGE_LIMITS.entriesPerImport} per import.`);
  }
  let firstLine = 2;
  return records.map(({ record, info }, index) => {
    const where = `Row ${index + 2} (line ${firstLine})`;
    // info.lines is the line the record ends on; the next record starts after it.
    firstLine = info.lines + 1;
    const language = record.language?.trim();
    return checkEntry(
      {
        question: record.question,
        answer: record.answer?.trim(),
        ...(language ? { language } : {}),
        ...(record.similarQuestions !== undefined ? { similarQuestions: splitList(record.similarQuestions) } : {}),
        ...(record.tags !== undefined ? { tags: splitList(record.tags) } : {}),
      },
      where,
    );
  });
}

/** Entries of a JSON file: `{"entries":[…]}` (as the API takes and exports it) or a bare array. */
export function parseKnowledgeJson(text: string): KnowledgeEntryInput[] {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new KnowledgeFormatError(`JSON is malformed: ${(error as Error).message}`);
  }
  const entries = Array.isArray(value) ? value : (value as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw new KnowledgeFormatError('JSON must be {"entries":[…]} or an array of entries.');
  if (entries.length === 0) throw new KnowledgeFormatError('JSON has no entries.');
  if (entries.length > KNOWLEDGE_LIMITS.entriesPerImport) {
    throw new KnowledgeFormatError(`JSON has ${entries.length} entries; at most ${KNOWLEDGE_LIMITS.entriesPerImport} per import.`);
  }
  return entries.map((entry, index) => checkEntry(entry, `Entry ${index + 1}`));
}

/**
 * The CSV export: the header, then one row per entry; lists joined with "|". Starts with a UTF-8 BOM so
 * spreadsheet programs read Chinese text right; the import accepts the file as it is.
 */
export function knowledgeToCsv(entries: readonly KnowledgeEntryInput[]): string {
  const rows = entries.map((entry) => [
    entry.question,
    (entry.similarQuestions ?? []).join(LIST_SEPARATOR),
    entry.answer,
    entry.language,
    (entry.tags ?? []).join(LIST_SEPARATOR),
  ]);
  return `\uFEFF${stringify([[...KNOWLEDGE_CSV_COLUMNS], ...rows], { quoted_match: /^\s|\s$/ })}`;
}

/** The JSON export without store bookkeeping: what `parseKnowledgeJson` and the API import take. */
export function knowledgeToJson(entries: readonly KnowledgeEntry[]): { entries: KnowledgeEntryDraft[] } {
  return {
    entries: entries.map(({ question, similarQuestions, answer, language, tags }) => ({
      question,
      similarQuestions,
      answer,
      language,
      tags,
    })),
  };
}
