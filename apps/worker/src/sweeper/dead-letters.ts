import { countDeadLetters, deadLetterJobId, enqueueDeadLetter, loadDeadLetter } from "@payq/shared";
import { SWEEP_BATCH, type SweeperDeps } from "./sweeper-deps.ts";

const DLQ_STATES = ["waiting", "delayed", "prioritized"] as const;

/**
 * Keeps the DLQ and Postgres in agreement. Counts are compared on every pass; the side with more
 * entries is walked and repaired: a live dead letter missing from the DLQ is added (Redis lost it, or
 * the process died between the two writes), and a DLQ entry whose payment has moved on (replayed, or
 * discarded by an operator) is removed.
 */
export async function sweepDeadLetters(deps: SweeperDeps, full: boolean): Promise<void> {
  const dlq = deps.queues.paymentsDeadLetter;
  const [counts, inPostgres] = await Promise.all([dlq.getJobCounts(...DLQ_STATES), countDeadLetters(deps.pool, {})]);
  const inQueue = Object.values(counts).reduce((a, b) => a + b, 0);
  if (full || inPostgres > inQueue) await addMissingEntries(deps);
  if (full || inQueue > inPostgres) await removeStaleEntries(deps);
}

async function addMissingEntries(deps: SweeperDeps): Promise<void> {
  const dlq = deps.queues.paymentsDeadLetter;
  for (let after: string | null = null; ; ) {
    const { rows }: { rows: { payment_id: string; run: number }[] } = await deps.pool.query(
      `SELECT d.payment_id, d.run FROM dead_letters d JOIN payments p ON p.id = d.payment_id
        WHERE p.status = 'dead_lettered' AND d.discarded_at IS NULL AND ($1::uuid IS NULL OR d.payment_id > $1)
        ORDER BY d.payment_id LIMIT $2`,
      [after, SWEEP_BATCH],
    );
    if (rows.length === 0) return;
    const exists = deps.redis.pipeline();
    for (const row of rows) exists.exists(dlq.toKey(deadLetterJobId(row.payment_id, row.run)));
    const results = (await exists.exec()) ?? [];
    for (const [index, row] of rows.entries()) {
      if (results[index]?.[1] === 1) continue;
      const letter = await loadDeadLetter(deps.pool, row.payment_id);
      if (!letter) continue;
      await enqueueDeadLetter(deps.queues, letter);
      deps.metrics.repairs.inc({ kind: "dlq_entry_added" });
    }
    after = rows.at(-1)?.payment_id ?? null;
  }
}

async function removeStaleEntries(deps: SweeperDeps): Promise<void> {
  const dlq = deps.queues.paymentsDeadLetter;
  const stale: string[] = [];
  for (let start = 0; ; start += SWEEP_BATCH) {
    const jobs = await dlq.getJobs([...DLQ_STATES], start, start + SWEEP_BATCH - 1, true);
    if (jobs.length === 0) break;
    const entries = jobs.map((job) => job.data as { paymentId: string; run: number });
    const { rows } = await deps.pool.query<{ id: string; run: number }>(
      `SELECT d.payment_id AS id, d.run FROM dead_letters d JOIN payments p ON p.id = d.payment_id
        WHERE d.payment_id = ANY($1::uuid[]) AND p.status = 'dead_lettered' AND d.discarded_at IS NULL`,
      [entries.map((e) => e.paymentId)],
    );
    const current = new Set(rows.map((r) => deadLetterJobId(r.id, r.run)));
    for (const job of jobs) if (job.id && !current.has(job.id)) stale.push(job.id);
  }
  for (const id of stale) {
    await dlq.remove(id);
    deps.metrics.repairs.inc({ kind: "dlq_entry_removed" });
  }
}
