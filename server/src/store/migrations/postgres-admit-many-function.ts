/**
 * Migration 11: dhkit_admit_many, the admissions a process has queued in one turn of its event loop as one statement
 * (group commit, as SQLite's batch does). Frozen like every migration. Why and how it is used:
 * store/postgres-admission-batch.ts.
 *
 * Each admission is decided exactly as one dhkit_admit call (migrations 9 and 10) decides it alone, in the order
 * robot, revision, lockout, the robot's advisory lock, once-code, live count, spend, insert, and a failed guess
 * counted with the lockout's rules. The admissions run sorted by robot (then by their place in the batch), so two
 * batches take their robots' advisory locks in one order and never deadlock on them; each lock is held until the
 * batch commits. One robot's figures are read once per batch: its row, and its live leases, counted once and then
 * carried forward as an upper bound (the batch holds the robot's lock, so nobody else admits into it meanwhile;
 * sessions only end or lapse), counted afresh when the bound reaches the limit or an admission's clock is earlier
 * than the count's. One answer row per admission (its 0-based place in the input). An error (the robot deleted
 * under the insert) fails the statement and writes nothing; the caller then admits each alone.
 */
export const ADMIT_MANY_FUNCTION_MIGRATION = `
CREATE FUNCTION dhkit_admit_many(p_admissions JSONB)
RETURNS TABLE (admission INTEGER, outcome TEXT, retry_after_ms BIGINT) LANGUAGE plpgsql AS $$
DECLARE
  a RECORD;
  v_robot TEXT;
  v_found BOOLEAN;
  v_concurrency INTEGER;
  v_revision TEXT;
  v_locked BOOLEAN;
  v_locked_until BIGINT;
  v_live INTEGER;
  v_live_at BIGINT;
BEGIN
  FOR a IN
    SELECT * FROM jsonb_to_recordset(p_admissions) AS x(
      i INTEGER, robot_id TEXT, revision TEXT, lock_key TEXT, code_hash TEXT, now BIGINT, session_id TEXT,
      token_hash TEXT, language TEXT, origin TEXT, created_at BIGINT, lease_expires_at BIGINT,
      max_failures INTEGER, window_ms BIGINT, lock_ms BIGINT)
    ORDER BY x.robot_id, x.i
  LOOP
    admission := a.i;
    retry_after_ms := 0;
    IF v_robot IS DISTINCT FROM a.robot_id THEN
      v_robot := a.robot_id;
      v_locked := FALSE;
      v_live := NULL;
      SELECT (r.config::jsonb ->> 'concurrency')::INTEGER, r.xmin::text INTO v_concurrency, v_revision
        FROM robots r WHERE r.id = a.robot_id;
      v_found := FOUND;
    END IF;
    IF NOT v_found THEN outcome := 'ROBOT_NOT_FOUND'; RETURN NEXT; CONTINUE; END IF;
    IF a.revision IS NOT NULL AND v_revision <> a.revision THEN outcome := 'ROBOT_CHANGED'; RETURN NEXT; CONTINUE; END IF;
    IF a.lock_key IS NOT NULL THEN
      SELECT f.locked_until INTO v_locked_until FROM once_code_failures f WHERE f.lock_key = a.lock_key;
      IF v_locked_until > a.now THEN
        outcome := 'ONCE_CODE_LOCKED';
        retry_after_ms := v_locked_until - a.now;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    IF NOT v_locked THEN
      PERFORM pg_advisory_xact_lock(hashtextextended('dhkit-admission:' || a.robot_id, 0));
      v_locked := TRUE;
    END IF;
    PERFORM 1 FROM once_codes c
      WHERE c.code_hash = a.code_hash AND c.robot_id = a.robot_id AND c.used_at IS NULL AND c.expires_at > a.now;
    IF FOUND THEN
      IF v_live IS NULL OR a.now < v_live_at OR v_live >= v_concurrency THEN
        SELECT COUNT(*) INTO v_live FROM (
          SELECT 1 FROM sessions s
            WHERE s.robot_id = a.robot_id AND s.ended_at IS NULL AND s.lease_expires_at > a.now LIMIT v_concurrency
        ) AS live;
        v_live_at := a.now;
      END IF;
      IF v_live >= v_concurrency THEN outcome := 'CONCURRENCY_LIMIT'; RETURN NEXT; CONTINUE; END IF;
      UPDATE once_codes c SET used_at = a.now WHERE c.code_hash = a.code_hash AND c.robot_id = a.robot_id AND c.used_at IS NULL;
      IF FOUND THEN
        INSERT INTO sessions (id, robot_id, token_hash, language, origin, created_at, lease_expires_at)
          VALUES (a.session_id, a.robot_id, a.token_hash, a.language, a.origin, a.created_at, a.lease_expires_at);
        v_live := v_live + 1;
        IF a.lock_key IS NOT NULL THEN
          DELETE FROM once_code_failures f WHERE f.lock_key = a.lock_key AND f.locked_until <= a.now;
        END IF;
        outcome := 'OK';
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    outcome := 'ONCE_CODE_INVALID';
    RETURN NEXT;
    -- A failed guess counts for the lockout, unless the code was real and is spent (a retry, a race of one code).
    IF a.lock_key IS NULL OR a.max_failures IS NULL THEN CONTINUE; END IF;
    PERFORM 1 FROM once_codes c WHERE c.code_hash = a.code_hash AND c.robot_id = a.robot_id AND c.used_at IS NOT NULL;
    IF FOUND THEN CONTINUE; END IF;
    INSERT INTO once_code_failures AS f (lock_key, failures, window_start, locked_until)
      VALUES (a.lock_key,
              CASE WHEN a.max_failures <= 1 THEN 0 ELSE 1 END,
              a.now,
              CASE WHEN a.max_failures <= 1 THEN a.now + a.lock_ms ELSE 0 END)
    ON CONFLICT (lock_key) DO UPDATE SET
      failures = CASE WHEN dhkit_failures_now(f.failures, f.window_start, a.now, a.window_ms) >= a.max_failures THEN 0
                      ELSE dhkit_failures_now(f.failures, f.window_start, a.now, a.window_ms) END,
      window_start = CASE WHEN dhkit_failures_now(f.failures, f.window_start, a.now, a.window_ms) >= a.max_failures
                            OR a.now - f.window_start > a.window_ms THEN a.now ELSE f.window_start END,
      locked_until = CASE WHEN dhkit_failures_now(f.failures, f.window_start, a.now, a.window_ms) >= a.max_failures
                          THEN a.now + a.lock_ms ELSE f.locked_until END;
  END LOOP;
END
$$;
`;
