/**
 * Live leases as the store counts them, for every process sharing it: a page of a robot's live sessions (the admin
 * list) and the leases held per robot (the /metrics gauge). `?` placeholders for both stores.
 */

/** args: robotId, now, limit, offset. Oldest first, like listLiveSessions. */
export const LIVE_SESSION_PAGE_SQL =
  'SELECT * FROM sessions WHERE robot_id = ? AND ended_at IS NULL AND lease_expires_at > ? ORDER BY created_at, id LIMIT ? OFFSET ?';

/** args: now. */
const LEASES_BY_ROBOT_SQL =
  'SELECT robot_id, COUNT(*) AS n FROM sessions WHERE ended_at IS NULL AND lease_expires_at > ? GROUP BY robot_id';

export interface PageQuery {
  limit: number;
  offset: number;
}

/** Runs LEASES_BY_ROBOT_SQL through `query(sql, args)`: robot id → leases held now. */
export async function runLeasesByRobot(
  now: number,
  query: <R>(sql: string, args: unknown[]) => Promise<R[]>,
): Promise<Map<string, number>> {
  const rows = await query<{ robot_id: string; n: number | string | bigint }>(LEASES_BY_ROBOT_SQL, [now]);
  return new Map(rows.map((row) => [row.robot_id, Number(row.n)]));
}
