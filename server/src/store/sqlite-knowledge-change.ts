/** The SQLite side of Store.changeKnowledge: inserts, updates, deletes and the resolved questions in one transaction. */
import type Database from 'better-sqlite3';
import { CodedError } from '../errors.js';
import { ANALYTICS_SQL, normalizeQuestion } from './question-analytics.js';
import { INSERT_KNOWLEDGE_WITH_SOURCE, knowledgeFromRow, knowledgeValues, type KnowledgeRow } from './rows.js';
import { refuseKnownQuestion, withSimilarQuestion } from './similar-question.js';
import type { KnowledgeChange, KnowledgeChangeResult } from './store.js';

type KnownRow = { id: number; question: string; similar_questions: string };

/** Thrown inside the transaction to roll it back when an entry to change does not exist. */
class MissingEntry extends CodedError<'NOT_FOUND'> {
  constructor() {
    super('NOT_FOUND');
  }
}

export function changeSqliteKnowledge(
  db: Database.Database,
  robotId: string,
  change: KnowledgeChange,
  bumpRevision: () => void,
): KnowledgeChangeResult | null {
  const now = new Date().toISOString();
  const insert = db.prepare(INSERT_KNOWLEDGE_WITH_SOURCE);
  const update = db.prepare(
    'UPDATE knowledge_entries SET language = ?, question = ?, similar_questions = ?, answer = ?, tags = ? WHERE robot_id = ? AND id = ?',
  );
  const remove = db.prepare('DELETE FROM knowledge_entries WHERE robot_id = ? AND id = ?');
  const attachStatement = db.prepare('UPDATE knowledge_entries SET similar_questions = ? WHERE robot_id = ? AND id = ?');
  const known = db.prepare('SELECT id, question, similar_questions FROM knowledge_entries WHERE robot_id = ?');
  const read = db.prepare<[string, number], KnowledgeRow>('SELECT * FROM knowledge_entries WHERE robot_id = ? AND id = ?');
  const apply = db.transaction((): KnowledgeChangeResult => {
    const ids: number[] = [];
    if (change.insertIfNew) {
      refuseKnownQuestion(known.iterate(robotId) as Iterable<KnownRow>, change.insertIfNew.question);
      ids.push(Number(insert.run(robotId, ...knowledgeValues(change.insertIfNew), now, null, null).lastInsertRowid));
    }
    for (const entry of change.insert ?? []) {
      const source = entry.source ? [entry.source.document, entry.source.key] : [null, null];
      ids.push(Number(insert.run(robotId, ...knowledgeValues(entry), now, ...source).lastInsertRowid));
    }
    for (const { id, entry } of change.update ?? []) {
      if (update.run(...knowledgeValues(entry), robotId, id).changes !== 1) throw new MissingEntry();
      ids.push(id);
    }
    if (change.attach) {
      const row = read.get(robotId, change.attach.id);
      if (!row) throw new MissingEntry();
      const similarQuestions = withSimilarQuestion(knowledgeFromRow(row), change.attach.question);
      attachStatement.run(JSON.stringify(similarQuestions), robotId, change.attach.id);
      ids.push(change.attach.id);
    }
    for (const id of change.delete ?? []) {
      if (remove.run(robotId, id).changes !== 1) throw new MissingEntry();
    }
    let resolvedQuestions = 0;
    if (change.resolveQuestion !== undefined && ids.length > 0) {
      resolvedQuestions = db.prepare(ANALYTICS_SQL.resolve).run(ids[0], robotId, normalizeQuestion(change.resolveQuestion)).changes;
    }
    bumpRevision();
    return { entries: ids.map((id) => knowledgeFromRow(read.get(robotId, id)!)), resolvedQuestions };
  });
  try {
    return apply.immediate();
  } catch (error) {
    if (error instanceof MissingEntry) return null;
    throw error;
  }
}
