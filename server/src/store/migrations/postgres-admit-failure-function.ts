/**
 * Migration 10: dhkit_admit with the failed guess counted in the same call. Frozen like every migration.
 *
 * A refused guess cost a second round trip (two statements) to record the failure for the client's lockout. This
 * overload takes the lockout policy as well and, when the migration 9 function (called unchanged inside) answers
 * ONCE_CODE_INVALID, counts one failure for the key with the same rules as the in-memory lockout: a new window
 * when the last one is over, and the failure that reaches the limit locks the key and starts a fresh count. Not
 * counted: a code of this robot that was real and is spent (a page's retry or a race of one code, from any
 * process: guessing never produces one), and a call without a policy (the caller knows it for a retry).
 * The 11-argument function stays for processes of the previous version during a rolling upgrade.
 */
export const ADMIT_FAILURE_FUNCTION_MIGRATION = `
-- The key's failures with this one: a new window starts at 1 when the last one is over.
CREATE FUNCTION dhkit_failures_now(p_failures INTEGER, p_window_start BIGINT, p_now BIGINT, p_window_ms BIGINT)
RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_now - p_window_start > p_window_ms THEN 1 ELSE p_failures + 1 END
$$;
CREATE FUNCTION dhkit_admit(
  p_robot_id TEXT, p_robot_revision TEXT, p_lock_key TEXT, p_code_hash TEXT, p_now BIGINT,
  p_session_id TEXT, p_token_hash TEXT, p_language TEXT, p_origin TEXT, p_created_at BIGINT, p_lease_expires_at BIGINT,
  p_max_failures INTEGER, p_failure_window_ms BIGINT, p_lock_ms BIGINT,
  OUT outcome TEXT, OUT retry_after_ms BIGINT
) LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.outcome, a.retry_after_ms INTO outcome, retry_after_ms FROM dhkit_admit(
    p_robot_id, p_robot_revision, p_lock_key, p_code_hash, p_now,
    p_session_id, p_token_hash, p_language, p_origin, p_created_at, p_lease_expires_at) AS a;
  IF outcome <> 'ONCE_CODE_INVALID' OR p_lock_key IS NULL OR p_max_failures IS NULL THEN RETURN; END IF;
  PERFORM 1 FROM once_codes WHERE code_hash = p_code_hash AND robot_id = p_robot_id AND used_at IS NOT NULL;
  IF FOUND THEN RETURN; END IF;
  INSERT INTO once_code_failures AS f (lock_key, failures, window_start, locked_until)
    VALUES (p_lock_key,
            CASE WHEN p_max_failures <= 1 THEN 0 ELSE 1 END,
            p_now,
            CASE WHEN p_max_failures <= 1 THEN p_now + p_lock_ms ELSE 0 END)
  ON CONFLICT (lock_key) DO UPDATE SET
    failures = CASE WHEN dhkit_failures_now(f.failures, f.window_start, p_now, p_failure_window_ms) >= p_max_failures THEN 0
                    ELSE dhkit_failures_now(f.failures, f.window_start, p_now, p_failure_window_ms) END,
    window_start = CASE WHEN dhkit_failures_now(f.failures, f.window_start, p_now, p_failure_window_ms) >= p_max_failures
                          OR p_now - f.window_start > p_failure_window_ms THEN p_now ELSE f.window_start END,
    locked_until = CASE WHEN dhkit_failures_now(f.failures, f.window_start, p_now, p_failure_window_ms) >= p_max_failures
                        THEN p_now + p_lock_ms ELSE f.locked_until END;
END
$$;
`;
