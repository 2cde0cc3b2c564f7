import type { Pool } from "../db/pool.ts";
import type { PayqQueues } from "../queues/queues.ts";
import { deadLetterJobId, type DeadLetter } from "./dead-letter.ts";
import { loadDeadLetter, markDeadLettered, type DeadLetterCause } from "./dead-letter-store.ts";

/** Parks a dead letter in the DLQ. Its deterministic id makes a second add (a sweeper's repair) a no-op. */
export async function enqueueDeadLetter(queues: PayqQueues, letter: DeadLetter): Promise<void> {
  await queues.paymentsDeadLetter.add("dead-letter", letter, {
    jobId: deadLetterJobId(letter.paymentId, letter.run),
    removeOnComplete: false,
    removeOnFail: false,
  });
}

/**
 * Dead-letters a payment: Postgres first (the record), then the DLQ. If the process dies in between,
 * the sweeper finds the payment dead-lettered without a DLQ entry and adds it.
 * Returns the dead letter, or null if the payment was not open in that run.
 */
export async function deadLetterPayment(
  deps: { pool: Pool; queues: PayqQueues },
  paymentId: string,
  run: number,
  cause: DeadLetterCause,
): Promise<DeadLetter | null> {
  if (!(await markDeadLettered(deps.pool, paymentId, run, cause))) return null;
  const letter = await loadDeadLetter(deps.pool, paymentId);
  if (letter) await enqueueDeadLetter(deps.queues, letter);
  return letter;
}
