/**
 * Migration 12: a robot's live leases bounded from above without counting them. Frozen like every migration.
 *
 * Why: admission counted the robot's live leases once per statement (dhkit_admit) or per batch (dhkit_admit_many),
 * reading every live session of the robot, up to its concurrency: for a robot of concurrency 1,024 half full, about
 * 500 index entries and heap rows per count, or a sequential scan of the sessions table where the cached plan chose
 * one. That count was most of the database's work per admission in bench:admission (74 buffers per admission in a
 * batch, 200 alone; docs/benchmarks.md).
 *
 * `robot_lease_bounds.bound` is an upper bound of the robot's sessions not ended: every admission adds one, and
 * nothing that ends a session takes one off (so ends, sweeps and renewals never write it, and never wait on it).
 * It is written only by an admission (or a re-taken lease, PostgresStore.retakeLease) of the robot, under the
 * robot's advisory lock, so its writers are already serialised. While the bound is below the robot's concurrency the
 * robot cannot be full (live leases ≤ sessions not ended ≤ bound), and admission admits without counting. At the
 * limit it counts exactly, as before, and sets the bound to the sessions not ended (lapsed leases included: a lease
 * lapsed by one process's clock may still be renewed by its own process, whose clock is behind). So a robot far
 * below its concurrency is counted once per (concurrency − live) admissions, a full one at every batch, as before.
 *
 * The two functions keep their names and signatures (CREATE OR REPLACE): every process, of this version or the
 * previous one, then admits through the bound, and none admits past it unseen.
 */
/**
 * The table, in both stores (one schema for both, checked by store-schema.test.ts); SQLite never writes it: it
 * counts in process, once per batch, under its write lock.
 */
export const LEASE_BOUND_TABLE = `
CREATE TABLE robot_lease_bounds (
  robot_id TEXT PRIMARY KEY REFERENCES robots(id) ON DELETE CASCADE,
  bound INTEGER NOT NULL
);
`;

/** The admission functions through the bound (PostgreSQL only). */
export const LEASE_BOUND_FUNCTIONS = `
CREATE OR REPLACE FUNCTION dhkit_admit(
  p_robot_id TEXT, p_robot_revision TEXT, p_lock_key TEXT, p_code_hash TEXT, p_now BIGINT,
  p_session_id TEXT, p_token_hash TEXT, p_language TEXT, p_origin TEXT, p_created_at BIGINT, p_lease_expires_at BIGINT,
  OUT outcome TEXT, OUT retry_after_ms BIGINT
) LANGUAGE plpgsql AS $$
DECLARE
  v_concurrency INTEGER;
  v_revision TEXT;
  v_locked_until BIGINT;
  v_live INTEGER;
  v_bound INTEGER;
  v_failures BOOLEAN := FALSE;
BEGIN
  retry_after_ms := 0;
  SELECT (config::jsonb ->> 'concurrency')::INTEGER, xmin::text INTO v_concurrency, v_revision FROM robots WHERE id = p_robot_id;
  IF NOT FOUND THEN outcome := 'ROBOT_NOT_FOUND'; RETURN; END IF;
  IF p_robot_revision IS NOT NULL AND v_revision <> p_robot_revision THEN outcome := 'ROBOT_CHANGED'; RETURN; END IF;
  IF p_lock_key IS NOT NULL THEN
    SELECT locked_until INTO v_locked_until FROM once_code_failures WHERE lock_key = p_lock_key;
    v_failures := FOUND;
    IF v_locked_until > p_now THEN
      outcome := 'ONCE_CODE_LOCKED';
      retry_after_ms := v_locked_until - p_now;
      RETURN;
    END IF;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('dhkit-admission:' || p_robot_id, 0));
  SELECT b.bound INTO v_bound FROM robot_lease_bounds b WHERE b.robot_id = p_robot_id;
  IF v_bound < v_concurrency THEN
    -- Below the bound the robot is not full, whatever the code: it is checked and spent in one statement.
    UPDATE once_codes SET used_at = p_now
      WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NULL AND expires_at > p_now;
    IF NOT FOUND THEN outcome := 'ONCE_CODE_INVALID'; RETURN; END IF;
  ELSE
    PERFORM 1 FROM once_codes
      WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NULL AND expires_at > p_now;
    IF NOT FOUND THEN outcome := 'ONCE_CODE_INVALID'; RETURN; END IF;
    -- At the bound (or none yet): count exactly, and start the bound again from the sessions not ended.
    SELECT COUNT(*) FILTER (WHERE lease_expires_at > p_now), COUNT(*) INTO v_live, v_bound
      FROM sessions WHERE robot_id = p_robot_id AND ended_at IS NULL;
    INSERT INTO robot_lease_bounds AS b (robot_id, bound) VALUES (p_robot_id, v_bound)
      ON CONFLICT (robot_id) DO UPDATE SET bound = EXCLUDED.bound;
    IF v_live >= v_concurrency THEN outcome := 'CONCURRENCY_LIMIT'; RETURN; END IF;
    UPDATE once_codes SET used_at = p_now WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NULL;
    IF NOT FOUND THEN outcome := 'ONCE_CODE_INVALID'; RETURN; END IF;
  END IF;
  INSERT INTO sessions (id, robot_id, token_hash, language, origin, created_at, lease_expires_at)
    VALUES (p_session_id, p_robot_id, p_token_hash, p_language, p_origin, p_created_at, p_lease_expires_at);
  UPDATE robot_lease_bounds SET bound = bound + 1 WHERE robot_id = p_robot_id;
  -- A success clears the client's failures, when it has any (the lockout's read above found its row).
  IF v_failures THEN
    DELETE FROM once_code_failures WHERE lock_key = p_lock_key AND locked_until <= p_now;
  END IF;
  outcome := 'OK';
END
$$;

CREATE OR REPLACE FUNCTION dhkit_admit_many(p_admissions JSONB)
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
  v_bound INTEGER;
  v_bound_read BOOLEAN;
  v_bound_changed BOOLEAN := FALSE;
  v_spent BOOLEAN;
  v_failures BOOLEAN;
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
      -- The previous robot's bound, written under its lock, which this transaction holds until it commits.
      IF v_bound_changed THEN
        INSERT INTO robot_lease_bounds AS b (robot_id, bound) VALUES (v_robot, v_bound)
          ON CONFLICT (robot_id) DO UPDATE SET bound = EXCLUDED.bound;
      END IF;
      v_robot := a.robot_id;
      v_locked := FALSE;
      v_live := NULL;
      v_live_at := NULL;
      v_bound := NULL;
      v_bound_read := FALSE;
      v_bound_changed := FALSE;
      SELECT (r.config::jsonb ->> 'concurrency')::INTEGER, r.xmin::text INTO v_concurrency, v_revision
        FROM robots r WHERE r.id = a.robot_id;
      v_found := FOUND;
    END IF;
    IF NOT v_found THEN outcome := 'ROBOT_NOT_FOUND'; RETURN NEXT; CONTINUE; END IF;
    IF a.revision IS NOT NULL AND v_revision <> a.revision THEN outcome := 'ROBOT_CHANGED'; RETURN NEXT; CONTINUE; END IF;
    v_failures := FALSE;
    IF a.lock_key IS NOT NULL THEN
      SELECT f.locked_until INTO v_locked_until FROM once_code_failures f WHERE f.lock_key = a.lock_key;
      v_failures := FOUND;
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
    IF NOT v_bound_read THEN
      SELECT b.bound INTO v_bound FROM robot_lease_bounds b WHERE b.robot_id = a.robot_id;
      v_bound_read := TRUE;
      -- Below the concurrency, the bound stands for the live count (an upper bound, whatever the clock).
      IF v_bound < v_concurrency THEN v_live := v_bound; END IF;
    END IF;
    IF v_live < v_concurrency AND (v_live_at IS NULL OR a.now >= v_live_at) THEN
      -- Not full, whatever the code: it is checked and spent in one statement.
      UPDATE once_codes c SET used_at = a.now
        WHERE c.code_hash = a.code_hash AND c.robot_id = a.robot_id AND c.used_at IS NULL AND c.expires_at > a.now;
      v_spent := FOUND;
    ELSE
      v_spent := FALSE;
      PERFORM 1 FROM once_codes c
        WHERE c.code_hash = a.code_hash AND c.robot_id = a.robot_id AND c.used_at IS NULL AND c.expires_at > a.now;
      IF FOUND THEN
        SELECT COUNT(*) FILTER (WHERE s.lease_expires_at > a.now), COUNT(*) INTO v_live, v_bound
          FROM sessions s WHERE s.robot_id = a.robot_id AND s.ended_at IS NULL;
        v_live_at := a.now;
        v_bound_changed := TRUE;
        IF v_live >= v_concurrency THEN outcome := 'CONCURRENCY_LIMIT'; RETURN NEXT; CONTINUE; END IF;
        UPDATE once_codes c SET used_at = a.now WHERE c.code_hash = a.code_hash AND c.robot_id = a.robot_id AND c.used_at IS NULL;
        v_spent := FOUND;
      END IF;
    END IF;
    IF v_spent THEN
      INSERT INTO sessions (id, robot_id, token_hash, language, origin, created_at, lease_expires_at)
        VALUES (a.session_id, a.robot_id, a.token_hash, a.language, a.origin, a.created_at, a.lease_expires_at);
      v_live := v_live + 1;
      v_bound := v_bound + 1;
      v_bound_changed := TRUE;
      -- A success clears the client's failures, when it has any (the lockout's read above found its row).
      IF v_failures THEN
        DELETE FROM once_code_failures f WHERE f.lock_key = a.lock_key AND f.locked_until <= a.now;
      END IF;
      outcome := 'OK';
      RETURN NEXT;
      CONTINUE;
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
  IF v_bound_changed THEN
    INSERT INTO robot_lease_bounds AS b (robot_id, bound) VALUES (v_robot, v_bound)
      ON CONFLICT (robot_id) DO UPDATE SET bound = EXCLUDED.bound;
  END IF;
END
$$;
`;
