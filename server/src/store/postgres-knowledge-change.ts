/** The PostgreSQL side of Store.changeKnowledge, run on a client inside the store's transaction. */
import type pg from 'pg';
import { ANALYTICS_SQL, normalizeQuestion, numberedPlaceholders } from './question-analytics.js';
import { INSERT_KNOWLEDGE_WITH_SOURCE, knowledgeFromRow, knowledgeValues, type KnowledgeRow } from './rows.js';
import { refuseKnownQuestion, withSimilarQuestion } from './similar-question.js';
import type { KnowledgeChange, KnowledgeChangeResult } from './store.js';

const INSERT = `${numberedPlaceholders(INSERT_KNOWLEDGE_WITH_SOURCE)} RETURNING *`;
const UPDATE =
  'UPDATE knowledge_entries SET language = $1, question = $2, similar_questions = $3, answer = $4, tags = $5 ' +
  'WHERE robot_id = $6 AND id = $7 RETURNING *';
const LOCK = 'SELECT * FROM knowledge_entries WHERE robot_id = $1 AND id = $2 FOR UPDATE';
const SET_SIMILAR = 'UPDATE knowledge_entries SET similar_questions = $1 WHERE robot_id = $2 AND id = $3 RETURNING *';
/** Serializes the learns that make new entries of one robot (the check for a known question, then the insert). */
const LOCK_NEW_QUESTIONS = "SELECT pg_advisory_xact_lock(hashtextextended('dhkit-knowledge-learn:' || $1, 0))";
const KNOWN = 'SELECT id, question, similar_questions FROM knowledge_entries WHERE robot_id = $1';
const RESOLVE = numberedPlaceholders(ANALYTICS_SQL.resolve);

/** Applies the change; null when an entry to update or delete is missing (the caller rolls back then). */
export async function changePostgresKnowledge(
  client: pg.PoolClient,
  robotId: string,
  change: KnowledgeChange,
): Promise<KnowledgeChangeResult | null> {
  const now = new Date().toISOString();
  const rows: KnowledgeRow[] = [];
  if (change.insertIfNew) {
    await client.query(LOCK_NEW_QUESTIONS, [robotId]);
    const known = await client.query<{ id: string; question: string; similar_questions: string }>(KNOWN, [robotId]);
    refuseKnownQuestion(known.rows, change.insertIfNew.question);
    rows.push((await client.query<KnowledgeRow>(INSERT, [robotId, ...knowledgeValues(change.insertIfNew), now, null, null])).rows[0]!);
  }
  for (const entry of change.insert ?? []) {
    const source = entry.source ? [entry.source.document, entry.source.key] : [null, null];
    rows.push((await client.query<KnowledgeRow>(INSERT, [robotId, ...knowledgeValues(entry), now, ...source])).rows[0]!);
  }
  for (const { id, entry } of change.update ?? []) {
    const updated = (await client.query<KnowledgeRow>(UPDATE, [...knowledgeValues(entry), robotId, id])).rows[0];
    if (!updated) return null;
    rows.push(updated);
  }
  if (change.attach) {
    // Locked: a concurrent attach to the same entry waits here, then reads the list this one wrote.
    const locked = (await client.query<KnowledgeRow>(LOCK, [robotId, change.attach.id])).rows[0];
    if (!locked) return null;
    const similarQuestions = withSimilarQuestion(knowledgeFromRow(locked), change.attach.question);
    rows.push((await client.query<KnowledgeRow>(SET_SIMILAR, [JSON.stringify(similarQuestions), robotId, change.attach.id])).rows[0]!);
  }
  if (change.delete?.length) {
    const deleted = await client.query('DELETE FROM knowledge_entries WHERE robot_id = $1 AND id = ANY($2::bigint[])', [
      robotId,
      change.delete,
    ]);
    if (deleted.rowCount !== new Set(change.delete).size) return null;
  }
  let resolvedQuestions = 0;
  if (change.resolveQuestion !== undefined && rows[0]) {
    const resolved = await client.query(RESOLVE, [rows[0].id, robotId, normalizeQuestion(change.resolveQuestion)]);
    resolvedQuestions = resolved.rowCount ?? 0;
  }
  return { entries: rows.map(knowledgeFromRow), resolvedQuestions };
}
