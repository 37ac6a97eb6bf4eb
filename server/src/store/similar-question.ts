/**
 * Attaching a visitor's question to an entry as a similar question (learning from visitors). It is a
 * read-modify-write of the entry's list, so the store does it inside its transaction, on the row as it is
 * then (SQLite: an immediate transaction; PostgreSQL: the row locked with FOR UPDATE): two admins teaching
 * the same entry at the same moment both land, neither overwrites the other's question.
 */
import { CodedError } from '../errors.js';
import { normalizeQuestion } from './question-analytics.js';

/** As the entry schema allows. */
export const SIMILAR_QUESTIONS_MAX = 50;

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
