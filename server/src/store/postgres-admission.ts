/**
 * Admission on PostgreSQL in one round trip: a PL/pgSQL function that checks the robot, spends the
 * once-code, counts the robot's live leases and inserts the session, all inside the single statement that
 * calls it.
 *
 * Why an advisory lock per robot and not the robot's row (`SELECT … FOR UPDATE`): the row lock was held
 * across four client round trips, so admissions of one robot queued behind each other's network latency
 * (bench:admission measured 171/s with two processes). Here the lock is a transaction-level advisory lock
 * taken inside the function and released at its commit, so it is held only for the microseconds the
 * function runs; nothing else (robot edits, lease renewal, expiry sweeps) ever waits on it. Slot rows
 * claimed with `FOR UPDATE SKIP LOCKED` were the other candidate; they need a slot table kept in step
 * with every concurrency change and every session end, for no gain at these rates.
 *
 * Exactness under READ COMMITTED: each statement in the function takes a fresh snapshot, and PostgreSQL
 * marks a transaction committed before it releases its locks, so the count taken after the lock sees every
 * session admitted by the previous holder.
 */

/** Installed (CREATE OR REPLACE) at every connect, under the migration lock, so a new version replaces the old one. */
export const ADMISSION_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION dhkit_admit(
  p_robot_id TEXT, p_code_hash TEXT, p_now BIGINT,
  p_session_id TEXT, p_token_hash TEXT, p_language TEXT, p_origin TEXT, p_created_at BIGINT, p_lease_expires_at BIGINT
) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
  v_concurrency INTEGER;
  v_live INTEGER;
BEGIN
  SELECT (config::jsonb ->> 'concurrency')::INTEGER INTO v_concurrency FROM robots WHERE id = p_robot_id;
  IF NOT FOUND THEN RETURN 'ROBOT_NOT_FOUND'; END IF;
  -- hashtextextended spreads robots over 64-bit keys; a collision only makes two robots share a queue.
  PERFORM pg_advisory_xact_lock(hashtextextended('dhkit-admission:' || p_robot_id, 0));
  PERFORM 1 FROM once_codes
    WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NULL AND expires_at > p_now;
  IF NOT FOUND THEN RETURN 'ONCE_CODE_INVALID'; END IF;
  -- Counting stops at the limit: a full robot costs no more than one at its limit.
  SELECT COUNT(*) INTO v_live FROM (
    SELECT 1 FROM sessions WHERE robot_id = p_robot_id AND ended_at IS NULL AND lease_expires_at > p_now LIMIT v_concurrency
  ) AS live;
  IF v_live >= v_concurrency THEN RETURN 'CONCURRENCY_LIMIT'; END IF;
  -- The code belongs to this robot, whose admissions all hold the lock: nobody spent it since the check.
  -- used_at IS NULL stays in the condition anyway, as the guard that a code is spent once.
  UPDATE once_codes SET used_at = p_now WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NULL;
  IF NOT FOUND THEN RETURN 'ONCE_CODE_INVALID'; END IF;
  INSERT INTO sessions (id, robot_id, token_hash, language, origin, created_at, lease_expires_at)
    VALUES (p_session_id, p_robot_id, p_token_hash, p_language, p_origin, p_created_at, p_lease_expires_at);
  RETURN 'OK';
END
$$;
`;

export const ADMIT_SQL = 'SELECT dhkit_admit($1, $2, $3, $4, $5, $6, $7, $8, $9) AS outcome';
