/**
 * The rows both stores read and write (they name their columns alike) and their mapping to the store's
 * records. PostgreSQL hands BIGINT columns back as strings, hence the Number()s.
 */
import type { Robot } from '@dhkit/protocol';
import { normalizeQuestion } from './question-analytics.js';
import { stagesText } from './slow-turns.js';
import type { KnowledgeEntry, KnowledgeEntryInput, QuestionRecordInput, SessionRecord } from './store.js';

/** Settings key whose value changes with every write to a robot's knowledge. */
export const KNOWLEDGE_REVISION_PREFIX = 'knowledge-revision:';

/** A value that differs from every earlier one (time plus randomness: processes write it independently). */
export function newRevision(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The settings rows of knowledge revisions (keys with KNOWLEDGE_REVISION_PREFIX) as robot id → revision. */
export function revisionsFromRows(rows: ReadonlyArray<{ key: string; value: string }>): Map<string, string> {
  return new Map(rows.map((row) => [row.key.slice(KNOWLEDGE_REVISION_PREFIX.length), row.value]));
}

export interface RobotRow {
  id: string;
  name: string;
  config: string;
  created_at: string;
  updated_at: string;
}
export interface KnowledgeRow {
  id: number | string;
  robot_id: string;
  language: string;
  question: string;
  similar_questions: string;
  answer: string;
  tags: string;
  created_at: string;
  source_document?: string | null;
  source_key?: string | null;
}
export interface SessionRow {
  id: string;
  robot_id: string;
  token_hash: string;
  language: string;
  origin: string | null;
  created_at: number;
  lease_expires_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

export function knowledgeFromRow(row: KnowledgeRow): KnowledgeEntry {
  return {
    id: Number(row.id),
    robotId: row.robot_id,
    language: row.language as KnowledgeEntry['language'],
    question: row.question,
    similarQuestions: JSON.parse(row.similar_questions) as string[],
    answer: row.answer,
    tags: JSON.parse(row.tags ?? '[]') as string[],
    createdAt: row.created_at,
    ...(row.source_document ? { source: { document: row.source_document, key: row.source_key ?? '' } } : {}),
  };
}

/** The stored columns of a knowledge entry, in table order: language, question, similar_questions, answer, tags. */
export function knowledgeValues(entry: KnowledgeEntryInput): unknown[] {
  return [entry.language, entry.question, JSON.stringify(entry.similarQuestions ?? []), entry.answer, JSON.stringify(entry.tags ?? [])];
}

/** Inserts one entry with its document source (null when it has none); args: robot_id, knowledgeValues…, created_at, source…. */
export const INSERT_KNOWLEDGE_WITH_SOURCE =
  'INSERT INTO knowledge_entries (robot_id, language, question, similar_questions, answer, tags, created_at, source_document, ' +
  'source_key) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** The insert's arguments in ANALYTICS_SQL.insert's order. */
export function questionValues(r: QuestionRecordInput): unknown[] {
  return [
    r.robotId,
    r.sessionId,
    r.chatId,
    r.language,
    // Kept as asked, with spacing tidied: it is what analytics shows for its group.
    r.question.trim().replace(/\s+/gu, ' '),
    normalizeQuestion(r.question),
    r.brain,
    r.entryId,
    r.confidence,
    r.latencyMs === null ? null : Math.round(r.latencyMs),
    r.answered ? 1 : 0,
    r.createdAt,
    stagesText(r.stages),
  ];
}

export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    robotId: row.robot_id,
    tokenHash: row.token_hash,
    language: row.language as SessionRecord['language'],
    origin: row.origin,
    createdAt: Number(row.created_at),
    leaseExpiresAt: Number(row.lease_expires_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    endReason: row.end_reason,
  };
}

export function robotFromRow(row: RobotRow): Robot {
  const config = JSON.parse(row.config) as Omit<Robot, 'id' | 'name' | 'createdAt' | 'updatedAt'>;
  return { id: row.id, name: row.name, ...config, createdAt: row.created_at, updatedAt: row.updated_at };
}
