/**
 * Attaching a visitor's question to an entry as a similar question (learning from visitors). It is a
 * read-modify-write of the entry's list, so the store does it inside its transaction, on the row as it is
 * then (SQLite: an immediate transaction; PostgreSQL: the row locked with FOR UPDATE): two admins teaching
 * the same entry at the same moment both land, neither overwrites the other's question. Likewise a new entry
 * made of a visitor's question is checked against the questions the robot already knows in the transaction
 * that inserts it.
 */
import { CodedError } from '../errors.js';
import { normalizeQuestion } from './question-analytics.js';

/** As the entry schema allows. */
const SIMILAR_QUESTIONS_MAX = 50;

/** The entry's similar questions with `question` added; the same list when the entry already knows it. */
export function withSimilarQuestion(
  entry: { id: number; question: string; similarQuestions: readonly string[] },
  question: string,
): readonly string[] {
  const known = [entry.question, ...entry.similarQuestions].map(normalizeQuestion);
  if (known.includes(normalizeQuestion(question))) return entry.similarQuestions;
  if (entry.similarQuestions.length >= SIMILAR_QUESTIONS_MAX) {
    throw new CodedError('INVALID_REQUEST', `Entry ${entry.id} already has ${SIMILAR_QUESTIONS_MAX} similar questions.`);
  }
  return [...entry.similarQuestions, question];
}

/** Refuses a new entry whose question an entry already knows (two entries that tie on it only ever "did you mean"). */
export function refuseKnownQuestion(
  entries: Iterable<{ id: number | string; question: string; similar_questions: string }>,
  question: string,
): void {
  const wanted = normalizeQuestion(question);
  for (const row of entries) {
    const known = [row.question, ...(JSON.parse(row.similar_questions) as string[])];
    if (known.some((text) => normalizeQuestion(text) === wanted)) {
      throw new CodedError('INVALID_REQUEST', `Entry ${Number(row.id)} already knows this question; attach to it or edit it instead.`);
    }
  }
}
