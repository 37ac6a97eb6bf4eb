/**
 * The analytics queries over the `questions` log, shared by both stores: the SQL is written once with `?`
 * placeholders (SQLite's) and numbered for PostgreSQL by `numberedPlaceholders`. Percentiles are taken by
 * nearest rank with ORDER BY … OFFSET, which both databases answer from the (robot_id, created_at) index
 * plus a sort of that robot's window — no percentile function that only one of them has.
 */
import type { QuestionAnalytics, UnansweredQuestion } from '@dhkit/protocol';
import type { AnalyticsQuery, UnansweredQuery } from './store.js';

/**
 * The grouping key of a question: Unicode-normalized (NFKC: full-width forms fold to ASCII), lowercased,
 * punctuation and symbols turned into spaces, whitespace collapsed. "What can you do?" and " what CAN you
 * do " group together; "你能做什么？" and "你能做什么" too.
 */
export function normalizeQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

const WINDOW = 'robot_id = ? AND created_at >= ? AND created_at < ?';

export const ANALYTICS_SQL = {
  insert:
    'INSERT INTO questions (robot_id, session_id, chat_id, language, question, normalized, brain, entry_id, confidence, ' +
    'latency_ms, answered, ' +
    'created_at, stages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  totals: `SELECT COUNT(*) AS questions, COALESCE(SUM(answered), 0) AS answered, COUNT(latency_ms) AS timed FROM questions WHERE ${WINDOW}`,
  /** args: window…, offset */
  latencyAt: `SELECT latency_ms FROM questions WHERE ${WINDOW} AND latency_ms IS NOT NULL ORDER BY latency_ms LIMIT 1 OFFSET ?`,
  /** args: window…, limit */
  top:
    `SELECT normalized, MIN(question) AS question, COUNT(*) AS n, COALESCE(SUM(answered), 0) AS answered, MAX(created_at) AS last ` +
    `FROM questions WHERE ${WINDOW} GROUP BY normalized ORDER BY n DESC, last DESC, normalized LIMIT ?`,
  /** args: window…, limit */
  unanswered:
    `SELECT normalized, MIN(question) AS question, COUNT(*) AS n, MAX(created_at) AS last ` +
    `FROM questions WHERE ${WINDOW} AND answered = 0 AND resolved_entry_id IS NULL GROUP BY normalized ORDER BY n DESC, last ` +
    `DESC, normalized LIMIT ?`,
  prune: 'DELETE FROM questions WHERE created_at < ?',
  /** args: entryId, robotId, normalized. Marks the unanswered asks of one question as resolved by an entry. */
  resolve:
    'UPDATE questions SET resolved_entry_id = ? WHERE robot_id = ? AND normalized = ? AND answered = 0 AND resolved_entry_id IS NULL',
} as const;

/**
 * Unanswered questions grouped, with the entry the brain suggested (a suggestion is logged with the entry it
 * suggested first; a declined question without one). args: window…, limit, offset.
 */
function unansweredSql(status: UnansweredQuery['status']): string {
  const only = { unanswered: '', suggested: ' AND entry_id IS NOT NULL', declined: ' AND entry_id IS NULL' }[status];
  return (
    `SELECT normalized, MIN(question) AS question, COUNT(*) AS n, MAX(created_at) AS last, MAX(entry_id) AS entry_id ` +
    `FROM questions WHERE ${WINDOW} AND answered = 0 AND resolved_entry_id IS NULL${only} ` +
    `GROUP BY normalized ORDER BY n DESC, last DESC, normalized LIMIT ? OFFSET ?`
  );
}

/** Runs unansweredSql through `query(sql, args)` (the backend's own) and shapes the rows. */
export async function runUnansweredQuestions(
  robotId: string,
  { from, to, limit, status, offset = 0 }: UnansweredQuery,
  query: <R>(sql: string, args: unknown[]) => Promise<R[]>,
): Promise<UnansweredQuestion[]> {
  const rows = await query<{ question: string; n: Num; last: Num; entry_id: Num }>(unansweredSql(status), [
    robotId,
    from,
    to,
    limit,
    offset,
  ]);
  return rows.map((row) => ({
    question: row.question,
    count: Number(row.n),
    lastAskedAt: new Date(Number(row.last)).toISOString(),
    suggestedEntryId: row.entry_id === null ? null : Number(row.entry_id),
  }));
}

/** `?` → `$1`, `$2`, … for PostgreSQL. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Nearest-rank offset of percentile p (0..1) among n sorted values. */
export function percentileOffset(n: number, p: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
}

type Num = number | string | bigint | null;
interface AnalyticsRows {
  totals: { questions: Num; answered: Num; timed: Num };
  top: Array<{ question: string; n: Num; answered: Num }>;
  unanswered: Array<{ question: string; n: Num; last: Num }>;
}

/** Runs the queries through `query(sql, args)` (the backend's own) and shapes the answer. */
export async function runAnalytics(
  robotId: string,
  { from, to, limit }: AnalyticsQuery,
  query: <R>(sql: string, args: unknown[]) => Promise<R[]>,
): Promise<QuestionAnalytics> {
  const window = [robotId, from, to];
  const [totalsRow] = await query<AnalyticsRows['totals']>(ANALYTICS_SQL.totals, window);
  const questions = Number(totalsRow?.questions ?? 0);
  const answered = Number(totalsRow?.answered ?? 0);
  const timed = Number(totalsRow?.timed ?? 0);
  const latencyAt = async (p: number): Promise<number | null> => {
    if (timed === 0) return null;
    const [row] = await query<{ latency_ms: Num }>(ANALYTICS_SQL.latencyAt, [...window, percentileOffset(timed, p)]);
    return row ? Number(row.latency_ms) : null;
  };
  const top = await query<AnalyticsRows['top'][number]>(ANALYTICS_SQL.top, [...window, limit]);
  const unanswered = await query<AnalyticsRows['unanswered'][number]>(ANALYTICS_SQL.unanswered, [...window, limit]);
  return {
    totals: {
      questions,
      answered,
      unanswered: questions - answered,
      answerRate: questions === 0 ? null : Math.round((answered / questions) * 10_000) / 10_000,
      latencyMs: { p50: await latencyAt(0.5), p95: await latencyAt(0.95) },
    },
    topQuestions: top.map((row) => ({ question: row.question, count: Number(row.n), answered: Number(row.answered) })),
    unanswered: unanswered.map((row) => ({
      question: row.question,
      count: Number(row.n),
      lastAskedAt: new Date(Number(row.last)).toISOString(),
    })),
  };
}
