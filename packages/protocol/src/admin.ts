/**
 * What the admin API answers (docs/server-api.md): knowledge entries, question analytics, the slowest turns, live
 * sessions and the audit log. The server's store and routes produce these shapes and the operator's console reads
 * them, so both take them from here instead of each writing its own copy.
 */
import type { LanguageCode } from './errors.js';

export interface KnowledgeEntryInput {
  question: string;
  similarQuestions?: string[];
  answer: string;
  language: LanguageCode;
  /** Free labels for editors and for brains that filter by topic. */
  tags?: string[];
}

/** Where an entry imported from a document came from: a re-import of that document updates it by its key. */
export interface KnowledgeSource {
  /** The document's id (its name as imported, or one the caller gave). */
  document: string;
  /** The entry's key inside the document (its normalized question). */
  key: string;
}

export interface KnowledgeEntry extends Required<KnowledgeEntryInput> {
  id: number;
  robotId: string;
  createdAt: string;
  /** Present on entries imported from a document. */
  source?: KnowledgeSource;
}

/** `GET /v1/robots/:id/analytics`. */
export interface QuestionAnalytics {
  totals: {
    questions: number;
    answered: number;
    unanswered: number;
    /** answered / questions; null when there were no questions. */
    answerRate: number | null;
    /** Nearest-rank percentiles over questions that got audio; null when none did. */
    latencyMs: { p50: number | null; p95: number | null };
  };
  /** Most asked (grouped by normalized text); `answered` counts the asks that were answered. */
  topQuestions: Array<{ question: string; count: number; answered: number }>;
  /** Most asked among the unanswered ones. */
  unanswered: Array<{ question: string; count: number; lastAskedAt: string }>;
}

/** One row of `GET /v1/robots/:id/analytics/questions`: an unanswered question, grouped by its normalized text. */
export interface UnansweredQuestion {
  question: string;
  count: number;
  lastAskedAt: string;
  /** An entry the brain suggested for this question (the highest id when several); null when it only declined. */
  suggestedEntryId: number | null;
}

/** Milliseconds from the question's arrival to each stage of its turn; a stage the turn never reached is absent. */
export interface TurnStages {
  /** The brain's first chunk: its verdict (answered, confidence), before any text for some brains. */
  brainFirstChunkMs?: number;
  /** The brain's first text: what the first clause waits for. */
  brainFirstTextMs?: number;
  /** The first audio frame sent to the visitor (the latency the analytics percentiles are taken over). */
  firstAudioMs?: number;
  /** The brain's stream ended (the whole answer text known). */
  brainDoneMs?: number;
  /** The turn ended: the last audio sent, or it was interrupted. */
  turnEndMs?: number;
}

/** One row of `GET /v1/robots/:id/analytics/slowest-turns`. */
export interface SlowTurn {
  question: string;
  language: LanguageCode;
  brain: string;
  answered: boolean;
  sessionId: string | null;
  chatId: string | null;
  askedAt: string;
  /** Question → first audio. */
  latencyMs: number;
  /** Empty for questions logged before stages were recorded. */
  stages: TurnStages;
}

/** One row of `GET /v1/audit`: an admin change (robots, knowledge, once-codes, kicks). */
export interface AuditEntry {
  id: number;
  at: string;
  /** What was done: `robot.create`, `knowledge.import`, `session.kick`, … */
  action: string;
  method: string;
  /** The route pattern (`/v1/robots/:id`), not the URL. */
  route: string;
  /** The robot it concerned, when there is one (kept after the robot is deleted). */
  robotId: string | null;
  /** The entry, session or robot id the change was made to. */
  target: string | null;
  /** The HTTP status of the answer. */
  status: number;
  /** What changed (the request's fields, secrets removed), JSON. */
  details: unknown;
}

/** One row of `GET /v1/robots/:id/sessions`. */
export interface LiveSessionInfo {
  sessionId: string;
  robotId: string;
  language: LanguageCode;
  origin: string | null;
  createdAt: string;
  leaseExpiresAt: string;
  /** Known only to the process serving the session; null when another process does. */
  connected: boolean | null;
}

/** `GET /v1/robots/:id/sessions`: one page of a robot's live sessions. */
export interface LiveSessionsPage {
  robotId: string;
  concurrency: number;
  /** Leases in use across all processes (the count admission checks), not just this page's rows. */
  inUse: number;
  sessions: LiveSessionInfo[];
  /** The `offset` of the next page; null on the last. */
  nextOffset: number | null;
}

/** One ranked entry of `POST /v1/robots/:id/knowledge/search`. */
export interface KnowledgeSearchMatch {
  entryId: number;
  question: string;
  /** The known question or similar question that matched best. */
  matchedQuestion: string;
  answer: string;
  language: LanguageCode;
  tags: string[];
  confidence: number;
  recall: number;
  precision: number;
  /** With embeddings: the cosine similarity of the question and the entry's closest known question. */
  similarity?: number;
}

/** `POST /v1/robots/:id/knowledge/search`: the ranked entries and the decision the knowledge brain takes on them. */
export interface KnowledgeSearchReply {
  decision: 'answer' | 'suggest' | 'fallback';
  /** The best match's confidence (0 when nothing matched). */
  confidence: number;
  /** answer: the entry that answers; suggest: the entries offered as "did you mean". */
  entryId?: number;
  suggestions?: number[];
  matches: KnowledgeSearchMatch[];
}

/** The kinds of FAQ document `POST /v1/robots/:id/knowledge/documents` reads. */
export type DocumentType = 'markdown' | 'html' | 'text' | 'pdf' | 'docx';

export type DocumentEntryAction = 'create' | 'update' | 'unchanged';

/** `POST /v1/robots/:id/knowledge/documents`: what the import did (or, with `dryRun`, would do). */
export interface DocumentImportResult {
  document: string;
  type: DocumentType;
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  entries: Array<KnowledgeEntryInput & { action: DocumentEntryAction; key: string; id?: number }>;
  /** Entries of an earlier import of this document that it no longer has. */
  deletedEntryIds: number[];
  warnings: string[];
}
