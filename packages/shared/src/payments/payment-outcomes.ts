import type { Queryable } from "../db/pool.ts";
import type { StepFailure } from "../retry/step-failure.ts";

/**
 * The pipeline's durable writes. Each is one SQL statement, so each is atomic on its own, and each is
 * guarded by the state it expects: a re-run after a crash finds the work done and changes nothing.
 * The hot ones are named (prepared once per connection): planning these CTEs cost Postgres more CPU
 * than running them.
 */

/** Which try this is: `run` counts replays, `attempt` counts tries within the run (from 1). */
export interface AttemptContext {
  run: number;
  attempt: number;
  startedAt: Date;
}

/**
 * Checkpoint after the bank captured, when the ledger could not be posted with it (see settleCapturedMany):
 * from here on, the payment is never charged again.
 */
export async function recordCapture(db: Queryable, paymentId: string, chargeId: string): Promise<void> {
  const { rowCount } = await db.query({
    name: "payq-record-capture",
    text: `UPDATE payments SET recovery_point = 'charge_captured', charge_id = $2, updated_at = now()
            WHERE id = $1 AND status = 'accepted' AND recovery_point = 'started'`,
    values: [paymentId, chargeId],
  });
  if (rowCount === 1) return;
  const { rows } = await db.query<{ charge_id: string | null; status: string }>(
    "SELECT charge_id, status FROM payments WHERE id = $1",
    [paymentId],
  );
  // Already recorded by an earlier run of the same step: the bank's idempotency gave back the same charge.
  if (rows[0]?.charge_id === chargeId) return;
  throw new Error(`capture ${chargeId} of payment ${paymentId} cannot be recorded (status ${rows[0]?.status})`);
}

/** The bank declined: a final business outcome, not a failure. Returns false if already settled. */
export async function settleDeclined(
  db: Queryable,
  paymentId: string,
  declineCode: string,
  attempt: AttemptContext,
): Promise<boolean> {
  const { rows } = await db.query<{ settled: boolean }>({
    name: "payq-settle-declined",
    text: `WITH payment AS (
       UPDATE payments SET status = 'declined', decline_code = $2, settled_at = now(), updated_at = now(),
                           attempts = attempts + 1
        WHERE id = $1 AND status = 'accepted' AND recovery_point = 'started'
       RETURNING id),
     attempt AS (
       INSERT INTO payment_attempts (payment_id, run, attempt, step, outcome, error_code, started_at)
       SELECT id, $3, $4, 'charge', 'declined', $2, $5 FROM payment)
     SELECT EXISTS (SELECT 1 FROM payment) AS settled`,
    values: [paymentId, declineCode, attempt.run, attempt.attempt, attempt.startedAt],
  });
  return rows[0]?.settled === true;
}

/** Adds a failed try to the payment's history. */
export async function recordFailedAttempt(
  db: Queryable,
  paymentId: string,
  failure: StepFailure,
  attempt: AttemptContext,
): Promise<void> {
  await db.query(
    `WITH payment AS (
       UPDATE payments SET attempts = attempts + 1, updated_at = now() WHERE id = $1 RETURNING id)
     INSERT INTO payment_attempts (payment_id, run, attempt, step, outcome, error_class, error_code, error_message,
                                   started_at)
     SELECT id, $2, $3, $4, 'failed', $5, $6, $7, $8 FROM payment`,
    [
      paymentId,
      attempt.run,
      attempt.attempt,
      failure.step,
      failure.errorClass,
      failure.code,
      failure.message.slice(0, 2000),
      attempt.startedAt,
    ],
  );
}

