/**
 * Persistence behind one small interface. The SQLite store is the embedded default; a PostgreSQL store
 * will implement the same interface, so every method is async even where SQLite is synchronous.
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
  endedAt: number | null;
  endReason: string | null;
}

export interface AdmissionRequest {
  robotId: string;
  codeHash: string;
  /** Epoch milliseconds; codes expiring at or before it are refused. */
  now: number;
  session: Omit<SessionRecord, 'endedAt' | 'endReason'>;
}

export type AdmissionResult =
  | { ok: true }
  | { ok: false; reason: 'ONCE_CODE_INVALID' | 'CONCURRENCY_LIMIT' };

export interface Store {
  close(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  /** Throws DuplicateRobotError when the id is taken. */
  createRobot(robot: Robot): Promise<void>;
  getRobot(id: string): Promise<Robot | null>;
  listRobots(): Promise<Robot[]>;

  /** Appends entries; returns how many were added. */
  addKnowledge(robotId: string, entries: KnowledgeEntryInput[]): Promise<number>;
  listKnowledge(robotId: string): Promise<KnowledgeEntry[]>;

  createOnceCode(code: OnceCodeRecord): Promise<void>;
  /**
   * In one transaction: the code must exist for this robot, be unused and unexpired; the robot's live
   * sessions must be fewer than its concurrency; then the code is consumed and the session inserted.
   * Nothing changes when it is refused.
   */
  admitSession(request: AdmissionRequest): Promise<AdmissionResult>;
  getSession(id: string): Promise<SessionRecord | null>;
  countLiveSessions(robotId: string): Promise<number>;
  /** Marks a live session ended; false when it was not live. */
  endSession(id: string, reason: string, now: number): Promise<boolean>;
  /** Ends every session still marked live (they belong to a previous process); returns the count. */
  endAllLiveSessions(reason: string, now: number): Promise<number>;
}

export class DuplicateRobotError extends Error {
  constructor(readonly robotId: string) {
    super(`A robot with id "${robotId}" already exists.`);
    this.name = 'DuplicateRobotError';
  }
}
