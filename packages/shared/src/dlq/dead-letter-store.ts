import type { Queryable } from "../db/pool.ts";
import type { PipelineStep } from "../payments/payment.ts";
import type { ErrorClass } from "../retry/classify.ts";
import type { AttemptRecord, DeadLetter, DeadLetterReason } from "./dead-letter.ts";

export interface DeadLetterCause {
  reason: DeadLetterReason;
  errorClass: ErrorClass;
  errorCode: string;
  errorMessage: string;
  errorStack?: string | null;
  failedStep: PipelineStep;
}

/**
 * Marks a payment dead-lettered and records why, in one statement. Guarded by status and run:
 * a stale job from before a replay cannot dead-letter the replayed payment.
 * Returns false when the payment was not open in that run.
 */
export async function markDeadLettered(
  db: Queryable,
  paymentId: string,
  run: number,
  cause: DeadLetterCause,
): Promise<boolean> {
  const { rows } = await db.query<{ marked: boolean }>(
    `WITH payment AS (
       UPDATE payments SET status = 'dead_lettered', settled_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'accepted' AND run = $2
       RETURNING id, merchant_id, run, attempts),
     letter AS (
       INSERT INTO dead_letters (payment_id, run, reason, error_class, error_code, error_message, error_stack,
                                 failed_step, attempts, merchant_id)
       SELECT id, run, $3, $4, $5, $6, $7, $8, attempts, merchant_id FROM payment
       ON CONFLICT (payment_id) DO UPDATE
          SET run = EXCLUDED.run, reason = EXCLUDED.reason, error_class = EXCLUDED.error_class,
              error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
              error_stack = EXCLUDED.error_stack, failed_step = EXCLUDED.failed_step,
              attempts = EXCLUDED.attempts, merchant_id = EXCLUDED.merchant_id, dead_lettered_at = now(),
              discarded_at = NULL, discarded_by = NULL, discard_reason = NULL)
     SELECT EXISTS (SELECT 1 FROM payment) AS marked`,
    [
      paymentId,
      run,
      cause.reason,
      cause.errorClass,
      cause.errorCode,
      cause.errorMessage.slice(0, 2000),
      cause.errorStack?.slice(0, 8000) ?? null,
      cause.failedStep,
    ],
  );
  return rows[0]?.marked === true;
}

interface DeadLetterRow {
  payment_id: string;
  merchant_id: string;
  run: number;
  reason: DeadLetterReason;
  error_class: ErrorClass;
  error_code: string;
  error_message: string;
  error_stack: string | null;
  failed_step: PipelineStep;
  attempts: number;
  dead_lettered_at: Date;
  discarded_at: Date | null;
  discarded_by: string | null;
  discard_reason: string | null;
}

interface AttemptRow {
  run: number;
  attempt: number;
  step: PipelineStep;
  outcome: AttemptRecord["outcome"];
  error_class: ErrorClass | null;
  error_code: string | null;
  error_message: string | null;
  started_at: Date;
  finished_at: Date;
}

/** The current dead letter of a payment, with the history of its run; null if it is not dead-lettered. */
export async function loadDeadLetter(db: Queryable, paymentId: string): Promise<DeadLetter | null> {
  const letters = await db.query<DeadLetterRow>(
    `SELECT d.* FROM dead_letters d JOIN payments p ON p.id = d.payment_id
      WHERE d.payment_id = $1 AND p.status = 'dead_lettered'`,
    [paymentId],
  );
  const row = letters.rows[0];
  if (!row) return null;
  const attempts = await db.query<AttemptRow>(
    "SELECT * FROM payment_attempts WHERE payment_id = $1 AND run = $2 ORDER BY id",
    [paymentId, row.run],
  );
  return {
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    run: row.run,
    reason: row.reason,
    errorClass: row.error_class,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    errorStack: row.error_stack,
    failedStep: row.failed_step,
    attempts: row.attempts,
    deadLetteredAt: row.dead_lettered_at.toISOString(),
    discarded: row.discarded_at
      ? { at: row.discarded_at.toISOString(), by: row.discarded_by ?? "", reason: row.discard_reason ?? "" }
      : null,
    history: attempts.rows.map((a) => ({
      run: a.run,
      attempt: a.attempt,
      step: a.step,
      outcome: a.outcome,
      errorClass: a.error_class,
      errorCode: a.error_code,
      errorMessage: a.error_message,
      startedAt: a.started_at.toISOString(),
      finishedAt: a.finished_at.toISOString(),
    })),
  };
}
