import type { Stack } from "./stack.ts";

/** Everything a request could leave behind: rows in every table payq writes, and jobs in every queue. */
export interface Footprint {
  payments: number;
  idempotencyKeys: number;
  attempts: number;
  ledgerEntries: number;
  deadLetters: number;
  auditLog: number;
  replayRuns: number;
  jobs: number;
}

export const NO_FOOTPRINT: Footprint = {
  payments: 0,
  idempotencyKeys: 0,
  attempts: 0,
  ledgerEntries: 0,
  deadLetters: 0,
  auditLog: 0,
  replayRuns: 0,
  jobs: 0,
};

export async function footprint(stack: Stack): Promise<Footprint> {
  const [{ rows }, jobs] = await Promise.all([
    stack.db.pool.query<Omit<Footprint, "jobs">>(
      `SELECT (SELECT count(*)::int FROM payments) AS "payments",
              (SELECT count(*)::int FROM idempotency_keys) AS "idempotencyKeys",
              (SELECT count(*)::int FROM payment_attempts) AS "attempts",
              (SELECT count(*)::int FROM ledger_entries) AS "ledgerEntries",
              (SELECT count(*)::int FROM dead_letters) AS "deadLetters",
              (SELECT count(*)::int FROM audit_log) AS "auditLog",
              (SELECT count(*)::int FROM replay_runs) AS "replayRuns"`,
    ),
    Promise.all(Object.values(stack.queues).map((queue) => queue.getJobCounts())),
  ]);
  const queued = jobs.flatMap((counts) => Object.values(counts)).reduce((a, b) => a + b, 0);
  return { ...rows[0]!, jobs: queued };
}

/** `after - before`, field by field, so a test can say exactly what one request added. */
export function footprintDelta(before: Footprint, after: Footprint): Footprint {
  const delta = { ...NO_FOOTPRINT };
  for (const key of Object.keys(delta) as (keyof Footprint)[]) delta[key] = after[key] - before[key];
  return delta;
}
