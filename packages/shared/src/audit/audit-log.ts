import type { Queryable } from "../db/pool.ts";

/** One operator action, as the audit page shows it. */
export interface AuditEntry {
  actor: string;
  /** e.g. `dlq.replay`, `dlq.discard`, `breaker.force`, `login`. */
  action: string;
  target?: string | null;
  filter?: unknown;
  count?: number | null;
  outcome: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, "details">> {
  id: number;
  at: Date;
  details: Record<string, unknown>;
}

/** Writes the action's one audit row; returns its id so a long action can complete it later. */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO audit_log (actor, action, target, filter, count, outcome, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      entry.actor,
      entry.action,
      entry.target ?? null,
      entry.filter === undefined ? null : JSON.stringify(entry.filter),
      entry.count ?? null,
      entry.outcome,
      entry.details ?? {},
    ],
  );
  return rows[0]!.id;
}

/** Records how a long action (a bulk replay) ended, on the row it started with. */
export async function completeAudit(
  db: Queryable,
  id: number,
  result: { outcome: string; count: number; details: Record<string, unknown> },
): Promise<void> {
  await db.query("UPDATE audit_log SET outcome = $2, count = $3, details = details || $4 WHERE id = $1", [
    id,
    result.outcome,
    result.count,
    result.details,
  ]);
}

interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  filter: unknown;
  count: number | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** Newest first, keyset-paged by id. */
export async function listAudit(db: Queryable, page: { limit: number; before?: number }): Promise<AuditRecord[]> {
  const { rows } = await db.query<AuditRow>(
    "SELECT * FROM audit_log WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2",
    [page.before ?? null, page.limit],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
