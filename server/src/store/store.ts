/**
 * Persistence behind one small interface, implemented by SQLite (the embedded default) and PostgreSQL
 * (several server processes sharing one database). Every method is async even where SQLite is synchronous.
 *
 * Concurrency is counted with leases: a session holds a slot while it is not ended and its
 * `leaseExpiresAt` lies in the future. The process that serves the session renews the lease while the
 * visitor's heartbeats arrive; a crashed process or a vanished visitor stops renewing, and the slot frees
 * itself when the lease runs out — no cleanup job has to run for the count to be right.
 */
import type { AuditEntryInput, AuditQuery } from './audit-log.js';
import type {
  AuditEntry,
  KnowledgeEntry,
  KnowledgeEntryInput,
  KnowledgeSource,
  LanguageCode,
  QuestionAnalytics,
  Robot,
  SlowTurn,
  TurnStages,
  UnansweredQuestion,
} from '@dhkit/protocol';
import type { SharedLimitStore, StoredLockoutPolicy } from './shared-limits.js';
import type { PageQuery } from './live-leases.js';
import type { SlowTurnsQuery } from './slow-turns.js';
import { CodedError } from '../errors.js';

// The entry shapes are the admin API's too: the console reads them from @dhkit/protocol.
export type { KnowledgeEntry, KnowledgeEntryInput } from '@dhkit/protocol';

/** A page of the knowledge table (the console pages on the server): `query` is matched as plain text, not a pattern. */
export interface KnowledgePageQuery {
  limit: number;
  offset: number;
  query?: string;
}

export interface KnowledgePage {
  entries: KnowledgeEntry[];
  /** How many entries match in all (every page). */
  total: number;
}

/** Several changes to one robot's knowledge, applied in one transaction (all or nothing). */
export interface KnowledgeChange {
  insert?: Array<KnowledgeEntryInput & { source?: KnowledgeSource }>;
  /** Replaces these entries' fields (not their source). */
  update?: Array<{ id: number; entry: KnowledgeEntryInput }>;
  delete?: number[];
  /**
   * Adds a question to an entry's similar questions on the row as it is inside the transaction (unchanged when
   * the entry already knows it; INVALID_REQUEST when it is full), so concurrent attaches all land. The entry
   * comes after the updated ones in the result.
   */
  attach?: { id: number; question: string };
  /**
   * Inserts this entry unless an entry of the robot already knows its question (as its question or a similar
   * question, normalized): then INVALID_REQUEST naming that entry. Checked and inserted in one transaction,
   * serialized per robot, so two concurrent learns of the same new question make one entry, not two that tie.
   */
  insertIfNew?: KnowledgeEntryInput;
  /**
   * A visitor question the change answers: its logged unanswered asks (same normalized text) are marked
   * resolved by the first entry of the result, so they leave the unanswered lists.
   */
  resolveQuestion?: string;
}

/** What changeKnowledge did: the inserted entries, then the updated ones, and how many logged asks it resolved. */
export interface KnowledgeChangeResult {
  entries: KnowledgeEntry[];
  resolvedQuestions: number;
}

/** One visitor question as the analytics log keeps it (append-only; pruned after the retention period). */
export interface QuestionRecordInput {
  robotId: string;
  sessionId: string | null;
  chatId: string | null;
  question: string;
  language: LanguageCode;
  /** The robot's brain type: knowledge, openai, webhook. */
  brain: string;
  /** The knowledge entry that answered, when the brain says. */
  entryId: number | null;
  confidence: number | null;
  /** Question received → first audio frame sent; null when no audio was sent (interrupted, TTS failed). */
  latencyMs: number | null;
  /** False when the brain declined or failed and the fallback answer (or a suggestion) was given. */
  answered: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Where the turn's time went (store/slow-turns.ts); absent for turns not timed stage by stage. */
  stages?: TurnStages | null;
}

export interface AnalyticsQuery {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
  /** Rows in topQuestions and unanswered. */
  limit: number;
}

export interface UnansweredQuery extends AnalyticsQuery {
  /** suggested: the brain offered "did you mean"; declined: it gave the fallback answer; unanswered: both. */
  status: 'unanswered' | 'suggested' | 'declined';
  /** Groups to skip (paging); 0 when absent. */
  offset?: number;
}

export interface OnceCodeRecord {
  codeHash: string;
  robotId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface SessionRecord {
  id: string;
  robotId: string;
  tokenHash: string;
  language: LanguageCode;
  origin: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; the slot is held until then unless renewed. */
  leaseExpiresAt: number;
  endedAt: number | null;
  endReason: string | null;
}

export interface AdmissionRequest {
  robotId: string;
  codeHash: string;
  /** Epoch milliseconds; codes expiring at or before it, and leases ending at or before it, do not count. */
  now: number;
  session: Omit<SessionRecord, 'endedAt' | 'endReason'>;
  /**
   * The revision of the robot copy admission checked language, origin and media against (AdmissionRobot):
   * when the robot changed since, the store refuses with ROBOT_CHANGED and writes nothing. Absent: not checked.
   */
  robotRevision?: string;
  /**
   * The client's once-code lockout key, for a store that keeps the lockout itself (sharedLimits): a locked key
   * is refused with ONCE_CODE_LOCKED before the code is looked at, and a success clears the key's failures.
   */
  lockKey?: string;
  /**
   * With lockKey: a refusal with ONCE_CODE_INVALID also counts one failure for the key under this policy, in the
   * same round trip (not when the code is a real one already spent: a retry). Absent: the store counts nothing.
   */
  failurePolicy?: StoredLockoutPolicy;
}

export type AdmissionResult =
  | { ok: true }
  | { ok: false; reason: 'ONCE_CODE_INVALID' | 'CONCURRENCY_LIMIT' | 'ROBOT_NOT_FOUND' | 'ROBOT_CHANGED' }
  | { ok: false; reason: 'ONCE_CODE_LOCKED'; retryAfterMs: number };

/** A robot as admission checks it, with the revision to hand back in AdmissionRequest.robotRevision. */
export interface AdmissionRobot {
  robot: Robot;
  /** Absent where the store does not check revisions (SQLite reads the robot in process, at no cost). */
  revision?: string;
}

export interface Store {
  /** 'sqlite' or 'postgres', for logs and benchmarks. */
  readonly kind: string;
  /** Present where several processes share the store: the once-code lockout and issuance limit kept in it. */
  readonly sharedLimits?: SharedLimitStore;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  /** Throws DuplicateRobotError when the id is taken. */
  createRobot(robot: Robot): Promise<void>;
  getRobot(id: string): Promise<Robot | null>;
  listRobots(): Promise<Robot[]>;
  /** Replaces a robot's fields (not its id or createdAt); false when it does not exist. */
  updateRobot(robot: Robot): Promise<boolean>;
  /** Deletes a robot with its knowledge, once-codes and sessions (which frees their leases); false when absent. */
  deleteRobot(id: string): Promise<boolean>;

  /** Appends entries (all or none); returns how many were added. */
  addKnowledge(robotId: string, entries: KnowledgeEntryInput[]): Promise<number>;
  /** Replaces all of a robot's entries with these, in one transaction; returns how many were added. */
  replaceKnowledge(robotId: string, entries: KnowledgeEntryInput[]): Promise<number>;
  listKnowledge(robotId: string): Promise<KnowledgeEntry[]>;
  /** One page of a robot's entries in id order, those whose texts contain `query` only (any case), with how many match. */
  knowledgePage(robotId: string, page: KnowledgePageQuery): Promise<KnowledgePage>;
  getKnowledgeEntry(robotId: string, id: number): Promise<KnowledgeEntry | null>;
  /** Replaces one entry's fields; null when the robot has no such entry. */
  updateKnowledgeEntry(robotId: string, id: number, entry: KnowledgeEntryInput): Promise<KnowledgeEntry | null>;
  deleteKnowledgeEntry(robotId: string, id: number): Promise<boolean>;
  /** Applies a change in one transaction; null (nothing changed) when an entry to update or delete does not exist. */
  changeKnowledge(robotId: string, change: KnowledgeChange): Promise<KnowledgeChangeResult | null>;
  /**
   * A value per robot that changes with every write to its knowledge (any process), so a server can drop
   * cached indexes after an import made elsewhere (the CLI, another process on PostgreSQL).
   */
  knowledgeRevisions(): Promise<Map<string, string>>;
  /** A robot's stored embedding vectors for one model (model key → text hash → vector; knowledge-vectors.ts). */
  knowledgeVectors(robotId: string, modelKey: string): Promise<Map<string, Float32Array>>;
  /** Replaces a robot's stored vectors for one model with these (vectors of texts no longer asked drop out). */
  saveKnowledgeVectors(robotId: string, modelKey: string, vectors: ReadonlyMap<string, Float32Array>): Promise<void>;

  /** Appends one question to the analytics log. */
  recordQuestion(record: QuestionRecordInput): Promise<void>;
  questionAnalytics(robotId: string, query: AnalyticsQuery): Promise<QuestionAnalytics>;
  /** Unanswered questions grouped by normalized text, most asked first (resolved ones left out). */
  unansweredQuestions(robotId: string, query: UnansweredQuery): Promise<UnansweredQuestion[]>;
  /** Logged questions by question → first audio, slowest first, with their turn's stages. */
  slowestTurns(robotId: string, query: SlowTurnsQuery): Promise<SlowTurn[]>;
  /** Deletes logged questions created before `before` (epoch ms); returns how many. */
  pruneQuestions(before: number): Promise<number>;

  /** The audit log of admin changes (store/audit-log.ts); details arrive without secrets. */
  recordAudit(entry: AuditEntryInput): Promise<void>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;

  createOnceCode(code: OnceCodeRecord): Promise<void>;
  /**
   * The robot for admission's checks; null when it does not exist. PostgreSQL answers from this process's copy
   * (admitSession then confirms the copy is current, in the same round trip); `fresh` reads the row again.
   */
  admissionRobot(id: string, fresh: boolean): Promise<AdmissionRobot | null>;
  /**
   * In one transaction, serialised per robot: the code must exist for this robot, be unused and unexpired;
   * the robot's live leases must be fewer than its concurrency; then the code is consumed and the session
   * inserted with its first lease. Nothing changes when it is refused.
   */
  admitSession(request: AdmissionRequest): Promise<AdmissionResult>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Sessions of a robot holding a slot at `now` (not ended, lease not run out), oldest first. */
  listLiveSessions(robotId: string, now: number): Promise<SessionRecord[]>;
  countLiveSessions(robotId: string, now: number): Promise<number>;
  /** One page of listLiveSessions (same order). */
  listLiveSessionPage(robotId: string, now: number, page: PageQuery): Promise<SessionRecord[]>;
  /** Leases held at `now` per robot, by every process sharing the store (robots with none are absent). */
  liveLeasesByRobot(now: number): Promise<Map<string, number>>;
  /**
   * Extends the leases of these sessions to `leaseExpiresAt`, in one statement. Only sessions still holding
   * a slot at `now` are renewed (a lapsed lease may already have been given to someone else). Returns the
   * ids that were renewed; the caller ends the others (kicked by another process, robot deleted, lapsed).
   */
  renewLeases(ids: readonly string[], leaseExpiresAt: number, now: number): Promise<string[]>;
  /**
   * After a store outage: takes a lapsed lease back for a session that is still live in this process, only if
   * the session was not ended (or only by the lapsed-lease sweep, which any process may run once the store is
   * back) and its robot has a free slot (counted under the same lock as admission, so it never over-admits).
   * Returns whether the lease is held again.
   */
  retakeLease(id: string, robotId: string, leaseExpiresAt: number, now: number): Promise<boolean>;
  /** Marks a session ended (its slot is free at once); false when it was not live. */
  endSession(id: string, reason: string, now: number): Promise<boolean>;
  /**
   * Marks sessions whose lease ran out as ended with reason LEASE_EXPIRED; returns how many. Bookkeeping only: they
   * stopped counting when the lease ran out.
   */
  expireLeases(now: number): Promise<number>;
}

export class DuplicateRobotError extends CodedError<'INVALID_REQUEST'> {
  constructor(readonly robotId: string) {
    super('INVALID_REQUEST', `A robot with id "${robotId}" already exists.`);
    this.name = 'DuplicateRobotError';
  }
}
