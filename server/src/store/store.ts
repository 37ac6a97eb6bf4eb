/**
 * Persistence behind one small interface, implemented by SQLite (the embedded default) and PostgreSQL
 * (several server processes sharing one database). Every method is async even where SQLite is synchronous.
 *
 * Concurrency is counted with leases: a session holds a slot while it is not ended and its
 * `leaseExpiresAt` lies in the future. The process that serves the session renews the lease while the
 * visitor's heartbeats arrive; a crashed process or a vanished visitor stops renewing, and the slot frees
 * itself when the lease runs out — no cleanup job has to run for the count to be right.
 */
import type { LanguageCode, Robot } from '@dhkit/protocol';

export interface KnowledgeEntryInput {
  question: string;
  similarQuestions?: string[];
  answer: string;
  language: LanguageCode;
}

export interface KnowledgeEntry extends Required<KnowledgeEntryInput> {
  id: number;
  robotId: string;
  createdAt: string;
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
}

export type AdmissionResult =
  | { ok: true }
  | { ok: false; reason: 'ONCE_CODE_INVALID' | 'CONCURRENCY_LIMIT' | 'ROBOT_NOT_FOUND' };

export interface Store {
  /** 'sqlite' or 'postgres', for logs and benchmarks. */
  readonly kind: string;
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

  /** Appends entries; returns how many were added. */
  addKnowledge(robotId: string, entries: KnowledgeEntryInput[]): Promise<number>;
  listKnowledge(robotId: string): Promise<KnowledgeEntry[]>;

  createOnceCode(code: OnceCodeRecord): Promise<void>;
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
  /**
   * Extends the leases of these sessions to `leaseExpiresAt`, in one statement. Only sessions still holding
   * a slot at `now` are renewed (a lapsed lease may already have been given to someone else). Returns the
   * ids that were renewed; the caller ends the others (kicked by another process, robot deleted, lapsed).
   */
  renewLeases(ids: readonly string[], leaseExpiresAt: number, now: number): Promise<string[]>;
  /** Marks a session ended (its slot is free at once); false when it was not live. */
  endSession(id: string, reason: string, now: number): Promise<boolean>;
  /** Marks sessions whose lease ran out as ended with reason LEASE_EXPIRED; returns how many. Bookkeeping only: they stopped counting when the lease ran out. */
  expireLeases(now: number): Promise<number>;
}

export class DuplicateRobotError extends Error {
  constructor(readonly robotId: string) {
    super(`A robot with id "${robotId}" already exists.`);
    this.name = 'DuplicateRobotError';
  }
}
