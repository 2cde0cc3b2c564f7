import { replayDeadLetter, type ReplayResult } from "@payq/shared";
import type { Stack } from "./stack.ts";

/** Replays every dead-lettered payment, as an operator would once the cause is fixed. */
export async function replayAllDeadLetters(stack: Stack): Promise<ReplayResult[]> {
  const { rows } = await stack.db.pool.query<{ id: string }>("SELECT id FROM payments WHERE status = 'dead_lettered'");
  return Promise.all(
    rows.map(({ id }) =>
      replayDeadLetter({ pool: stack.db.pool, queues: stack.queues, retryPolicy: { maxAttempts: 6 } }, id),
    ),
  );
}

/** How many entries the payments DLQ holds. */
export async function deadLetterQueueDepth(stack: Stack): Promise<number> {
  const counts = await stack.queues.paymentsDeadLetter.getJobCounts("waiting", "delayed", "prioritized");
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
