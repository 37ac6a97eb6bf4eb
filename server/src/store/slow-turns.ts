/**
 * The slowest turns of a robot: its logged questions ordered by question → first audio, each with the stages its
 * time went to (the brain's first chunk and first text, first audio, the brain's end, the turn's end). Written once
 * with `?` placeholders for both stores (PostgreSQL numbers them).
 */
import type { LanguageCode, SlowTurn, TurnStages } from '@dhkit/protocol';

const TURN_STAGE_NAMES = ['brainFirstChunkMs', 'brainFirstTextMs', 'firstAudioMs', 'brainDoneMs', 'turnEndMs'] as const;

export interface SlowTurnsQuery {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
  limit: number;
  offset: number;
}

/** args: robotId, from, to, limit, offset. Questions without audio (interrupted before it) have no latency to rank. */
const SLOW_TURNS_SQL =
  'SELECT question, language, brain, answered, session_id, chat_id, created_at, latency_ms, stages FROM questions ' +
  'WHERE robot_id = ? AND created_at >= ? AND created_at < ? AND latency_ms IS NOT NULL ' +
  'ORDER BY latency_ms DESC, created_at DESC LIMIT ? OFFSET ?';

/** The stages column: only known stage names with finite values, rounded to whole milliseconds. */
export function stagesText(stages: TurnStages | null | undefined): string | null {
  if (!stages) return null;
  const kept = TURN_STAGE_NAMES.filter((name) => Number.isFinite(stages[name])).map((name) => [name, Math.round(stages[name]!)]);
  return kept.length ? JSON.stringify(Object.fromEntries(kept)) : null;
}

type Num = number | string | bigint | null;
interface SlowTurnRow {
  question: string;
  language: string;
  brain: string;
  answered: Num;
  session_id: string | null;
  chat_id: string | null;
  created_at: Num;
  latency_ms: Num;
  stages: string | null;
}

/** Runs SLOW_TURNS_SQL through `query(sql, args)` (the backend's own) and shapes the rows. */
export async function runSlowestTurns(
  robotId: string,
  { from, to, limit, offset }: SlowTurnsQuery,
  query: <R>(sql: string, args: unknown[]) => Promise<R[]>,
): Promise<SlowTurn[]> {
  const rows = await query<SlowTurnRow>(SLOW_TURNS_SQL, [robotId, from, to, limit, offset]);
  return rows.map((row) => ({
    question: row.question,
    language: row.language as LanguageCode,
    brain: row.brain,
    answered: Number(row.answered) === 1,
    sessionId: row.session_id,
    chatId: row.chat_id,
    askedAt: new Date(Number(row.created_at)).toISOString(),
    latencyMs: Number(row.latency_ms),
    stages: row.stages ? (JSON.parse(row.stages) as TurnStages) : {},
  }));
}
