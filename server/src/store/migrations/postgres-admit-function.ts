/**
 * The PostgreSQL admission function as migration 9 ships it: frozen like every migration (a later change is a
 * new migration with a new function or signature). Why it is shaped so: store/postgres-admission.ts.
 *
 * One call does what admission used to need three round trips for: it checks that the caller's copy of the
 * robot is still the row (the caller checked language, origin and media against it), checks the client's
 * once-code lockout, then, under the robot's advisory lock, spends the once-code, counts the live leases and
 * inserts the session; on success it clears the client's failures. A new signature (11 inputs, 2 outputs)
 * beside the old 9-input dhkit_admit, which is left alone: processes of the previous version, still running
 * during a rolling upgrade, keep calling theirs.
 */
export const ADMIT_FUNCTION_MIGRATION = `
CREATE FUNCTION dhkit_admit(
  p_robot_id TEXT, p_robot_revision TEXT, p_lock_key TEXT, p_code_hash TEXT, p_now BIGINT,
  p_session_id TEXT, p_token_hash TEXT, p_language TEXT, p_origin TEXT, p_created_at BIGINT, p_lease_expires_at BIGINT,
  OUT outcome TEXT, OUT retry_after_ms BIGINT
) LANGUAGE plpgsql AS $$
DECLARE
  v_concurrency INTEGER;
  v_revision TEXT;
  v_locked_until BIGINT;
  v_live INTEGER;
BEGIN
  retry_after_ms := 0;
  -- xmin changes with every update of the row: it tells whether the caller's copy is still the robot.
  SELECT (config::jsonb ->> 'concurrency')::INTEGER, xmin::text INTO v_concurrency, v_revision FROM robots WHERE id = p_robot_id;
  IF NOT FOUND THEN outcome := 'ROBOT_NOT_FOUND'; RETURN; END IF;
  IF p_robot_revision IS NOT NULL AND v_revision <> p_robot_revision THEN outcome := 'ROBOT_CHANGED'; RETURN; END IF;
  IF p_lock_key IS NOT NULL THEN
    SELECT locked_until INTO v_locked_until FROM once_code_failures WHERE lock_key = p_lock_key;
    IF v_locked_until > p_now THEN
      outcome := 'ONCE_CODE_LOCKED';
      retry_after_ms := v_locked_until - p_now;
      RETURN;
    END IF;
  END IF;
  -- hashtextextended spreads robots over 64-bit keys; a collision only makes two robots share a queue.
  PERFORM pg_advisory_xact_lock(hashtextextended('dhkit-admission:' || p_robot_id, 0));
  PERFORM 1 FROM once_codes
    WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NULL AND expires_at > p_now;
  IF NOT FOUND THEN outcome := 'ONCE_CODE_INVALID'; RETURN; END IF;
  -- Counting stops at the limit: a full robot costs no more than one at its limit.
  SELECT COUNT(*) INTO v_live FROM (
    SELECT 1 FROM sessions WHERE robot_id = p_robot_id AND ended_at IS NULL AND lease_expires_at > p_now LIMIT v_concurrency
  ) AS live;
  IF v_live >= v_concurrency THEN outcome := 'CONCURRENCY_LIMIT'; RETURN; END IF;
  -- The code belongs to this robot, whose admissions all hold the lock: nobody spent it since the check.
  -- used_at IS NULL stays in the condition anyway, as the guard that a code is spent once.
  UPDATE once_codes SET used_at = p_now WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NULL;
  IF NOT FOUND THEN outcome := 'ONCE_CODE_INVALID'; RETURN; END IF;
  INSERT INTO sessions (id, robot_id, token_hash, language, origin, created_at, lease_expires_at)
    VALUES (p_session_id, p_robot_id, p_token_hash, p_language, p_origin, p_created_at, p_lease_expires_at);
  -- A success clears the client's failures (not a running lockout: that one refused above).
  IF p_lock_key IS NOT NULL THEN
    DELETE FROM once_code_failures WHERE lock_key = p_lock_key AND locked_until <= p_now;
  END IF;
  outcome := 'OK';
END
$$;
`;
