/**
 * The reply of `POST /v1/robots/:id/knowledge/search` (docs/server-api.md): the ranked entries and the
 * decision the knowledge brain takes on them, in a stable JSON shape for operators and the CLI.
 */
import type { KnowledgeSearchReply } from '@dhkit/protocol';
import type { LookupResult } from './knowledge-index.js';
import type { KnowledgeEntry } from '../../../store/store.js';

const round = (value: number) => Math.round(value * 1000) / 1000;

export function searchReply({ matches, decision }: LookupResult<KnowledgeEntry>): KnowledgeSearchReply {
  const reply: KnowledgeSearchReply = {
    decision: decision.kind,
    confidence: round(decision.kind === 'answer' ? decision.match.confidence : decision.confidence),
    matches: matches.map(({ entry, confidence, recall, precision, matchedQuestion, similarity }) => ({
      entryId: entry.id,
      question: entry.question,
      matchedQuestion,
      answer: entry.answer,
      language: entry.language,
      tags: entry.tags ?? [],
      confidence: round(confidence),
      recall: round(recall),
      precision: round(precision),
      ...(similarity === undefined ? {} : { similarity: round(similarity) }),
    })),
  };
  if (decision.kind === 'answer') reply.entryId = decision.match.entry.id;
  if (decision.kind === 'suggest') reply.suggestions = decision.suggestions.map((m) => m.entry.id);
  return reply;
}
