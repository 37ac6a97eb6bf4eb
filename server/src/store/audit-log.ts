/**
 * The audit log of admin changes (robots, knowledge, once-codes, kicks): who changed what, when, through which
 * route. Written once with `?` placeholders for both stores (PostgreSQL numbers them). Details never hold a
 * secret: the recorder (http/audit-recorder.ts) strips them before they get here, and `redactSecrets` is the one
 * place that knows what a secret looks like.
 */
import type { AuditEntry } from '@dhkit/protocol';
import type { SqlRunner } from './sql-runner.js';

/** An audit entry as the recorder writes it: the shared `AuditEntry` (@dhkit/protocol) before it has an id. */
export interface AuditEntryInput extends Omit<AuditEntry, 'id' | 'at'> {
  /** Epoch milliseconds. */
  at: number;
}

export interface AuditQuery {
  limit: number;
  /** Only entries with an id below this one (paging back in time). */
  beforeId?: number;
  robotId?: string;
}

/** The details column holds at most this much JSON; more is cut with a note (a bulk import is summarised anyway). */
const MAX_DETAILS_CHARS = 4000;

/** Field names whose values are secrets wherever they appear. */
const SECRET_NAME = /secret|api_?key|password|credential|authorization|once_?code|^token$/i;

const REDACTED = '[secret]';

/** A deep copy with every secret-named field's value replaced (arrays and nested objects too). */
function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = SECRET_NAME.test(key) && item !== null && item !== '' ? REDACTED : redactSecrets(item, depth + 1);
    }
    return copy;
  }
  return value;
}

function detailsText(details: unknown): string {
  const text = JSON.stringify(redactSecrets(details ?? null));
  return text.length <= MAX_DETAILS_CHARS ? text : JSON.stringify({ truncated: true, preview: text.slice(0, MAX_DETAILS_CHARS) });
}

const AUDIT_SQL = {
  insert: 'INSERT INTO audit_log (created_at, action, method, route, robot_id, target, status, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  /** args: beforeId, robotId (null: any robot), robotId, limit */
  list:
    'SELECT id, created_at, action, method, route, robot_id, target, status, details FROM audit_log ' +
    // The cast tells PostgreSQL the type of a parameter compared with NULL (SQLite ignores it).
    'WHERE id < ? AND (CAST(? AS TEXT) IS NULL OR robot_id = ?) ORDER BY id DESC LIMIT ?',
} as const;

function auditValues(entry: AuditEntryInput): unknown[] {
  return [entry.at, entry.action, entry.method, entry.route, entry.robotId, entry.target, entry.status, detailsText(entry.details)];
}

function auditListArgs(query: AuditQuery): unknown[] {
  const robotId = query.robotId ?? null;
  return [query.beforeId ?? Number.MAX_SAFE_INTEGER, robotId, robotId, query.limit];
}

interface AuditRow {
  id: number | string;
  created_at: number | string;
  action: string;
  method: string;
  route: string;
  robot_id: string | null;
  target: string | null;
  status: number | string;
  details: string;
}

function auditFromRow(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    at: new Date(Number(row.created_at)).toISOString(),
    action: row.action,
    method: row.method,
    route: row.route,
    robotId: row.robot_id,
    target: row.target,
    status: Number(row.status),
    details: JSON.parse(row.details) as unknown,
  };
}

/** Appends one entry to the audit log (both stores: recordAudit). */
export async function writeAuditEntry(sql: SqlRunner, entry: AuditEntryInput): Promise<void> {
  await sql.run(AUDIT_SQL.insert, auditValues(entry));
}

/** The newest entries first, paged by id (both stores: listAudit). */
export async function readAuditEntries(sql: SqlRunner, query: AuditQuery): Promise<AuditEntry[]> {
  return (await sql.all<AuditRow>(AUDIT_SQL.list, auditListArgs(query))).map(auditFromRow);
}
