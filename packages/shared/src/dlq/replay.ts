import type { Pool } from "../db/pool.ts";
import type { PaymentStatus } from "../payments/payment.ts";
import { enqueuePayment, type PayqQueues } from "../queues/queues.ts";
import type { RetryPolicy } from "../retry/retry-policy.ts";
import { deadLetterJobId } from "./dead-letter.ts";

export type ReplayResult =
  | { paymentId: string; outcome: "replayed"; run: number }
  | { paymentId: string; outcome: "skipped"; reason: "not_found" | "discarded" | `status_${PaymentStatus}` };

/**
 * Puts one dead letter back to work as a fresh job with its attempts reset. The pipeline resumes at the
 * payment's recovery point, so a captured payment is never charged again.
 *
 * Exactly-once in effect: the status flip from `dead_lettered` is the guard, so of two concurrent
 * replays only one wins; the other is skipped. The DLQ entry goes only after the new job is queued.
 */
export async function replayDeadLetter(
  deps: { pool: Pool; queues: PayqQueues; retryPolicy: Pick<RetryPolicy, "maxAttempts"> },
  paymentId: string,
): Promise<ReplayResult> {
  const { rows } = await deps.pool.query<{ run: number }>(
    `WITH payment AS (
       UPDATE payments SET status = 'accepted', settled_at = NULL, run = run + 1, updated_at = now()
        WHERE id = $1 AND status = 'dead_lettered'
          AND NOT EXISTS (SELECT 1 FROM dead_letters WHERE payment_id = $1 AND discarded_at IS NOT NULL)
       RETURNING id, run),
     letter AS (DELETE FROM dead_letters d USING payment WHERE d.payment_id = payment.id)
     SELECT run FROM payment`,
    [paymentId],
  );
  const run = rows[0]?.run;
  if (run === undefined) {
    const found = await deps.pool.query<{ status: PaymentStatus; discarded: boolean }>(
      `SELECT p.status, d.discarded_at IS NOT NULL AS discarded
         FROM payments p LEFT JOIN dead_letters d ON d.payment_id = p.id WHERE p.id = $1`,
      [paymentId],
    );
    const row = found.rows[0];
    const reason = !row ? "not_found" : row.discarded ? "discarded" : (`status_${row.status}` as const);
    return { paymentId, outcome: "skipped", reason };
  }
  // The old run's job still holds the payment's job id; until it goes, `add` would be a silent no-op.
  await deps.queues.payments.remove(paymentId);
  await enqueuePayment(deps.queues.payments, { paymentId, run }, deps.retryPolicy);
  await deps.queues.paymentsDeadLetter.remove(deadLetterJobId(paymentId, run - 1));
  return { paymentId, outcome: "replayed", run };
}
