import type { Job } from "bullmq";
import { deadLetterPayment, enqueuePayment, resumeStep, type RecoveryPoint } from "@payq/shared";
import { LIVE_JOB_STATES, SWEEP_BATCH, type SweeperDeps } from "./sweeper-deps.ts";

export interface OpenPayment {
  id: string;
  run: number;
  recovery_point: RecoveryPoint;
}

/** BullMQ's reason for a job that stalled more times than `maxStalledCount` allows. */
const STALLED_REASON = /stalled more than allowable limit/i;

/**
 * The outbox: every open payment must have a live job. Payments whose job is missing (Redis lost it, or
 * the enqueue after accept failed) are queued again; a job that failed without the payment being
 * dead-lettered (a crash in between, or the stalled limit) is dead-lettered now.
 * Walks open payments by id from `after`; returns where the next pass continues (null: start over).
 */
export async function sweepOpenPayments(deps: SweeperDeps, after: string | null): Promise<string | null> {
  const { rows } = await deps.pool.query<OpenPayment>(
    `SELECT id, run, recovery_point FROM payments
      WHERE status = 'accepted' AND updated_at < now() - make_interval(secs => $1)
        AND ($2::uuid IS NULL OR id > $2)
      ORDER BY id LIMIT $3`,
    [deps.staleAfterMs / 1000, after, SWEEP_BATCH],
  );
  await Promise.all(rows.map((payment) => deps.repairOpenPayment(deps, payment)));
  return rows.length === SWEEP_BATCH ? (rows.at(-1)?.id ?? null) : null;
}

/** Leaves a live job alone; dead-letters a failed one; queues a fresh job where there is none. */
export async function repairOpenPayment(deps: SweeperDeps, payment: OpenPayment): Promise<void> {
  const job = (await deps.queues.payments.getJob(payment.id)) as Job | undefined;
  const state = job ? await job.getState() : "missing";
  if (LIVE_JOB_STATES.has(state)) return;

  if (job && state === "failed" && (job.data as { run?: number }).run === payment.run) {
    const stalled = STALLED_REASON.test(job.failedReason);
    const letter = await deadLetterPayment(deps, payment.id, payment.run, {
      reason: stalled ? "stalled" : "retries_exhausted",
      errorClass: stalled ? "permanent" : "transient",
      errorCode: stalled ? "job_stalled" : "job_failed",
      errorMessage: job.failedReason || "job failed",
      errorStack: job.stacktrace?.at(-1) ?? null,
      failedStep: resumeStep(payment.recovery_point),
    });
    if (letter) deps.metrics.repairs.inc({ kind: "dead_lettered_failed_job" });
    return;
  }
  // Missing, or a finished job left over from an earlier run: the payment needs a fresh one.
  if (job) await job.remove();
  await enqueuePayment(deps.queues.payments, { paymentId: payment.id, run: payment.run }, deps.retryPolicy);
  deps.metrics.repairs.inc({ kind: job ? "replaced_stale_job" : "requeued_lost_job" });
  deps.logger.info({ paymentId: payment.id, state }, "open payment had no live job; queued it again");
}
