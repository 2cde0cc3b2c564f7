import type { Pool } from "../db/pool.ts";
import type { PayqQueues } from "../queues/queues.ts";
import { deadLetterJobId } from "./dead-letter.ts";

/**
 * An operator's decision that these dead letters will never be replayed. They stay dead-lettered in
 * Postgres, with who, when and why, and leave the DLQ. Ids that are not live dead letters are skipped.
 * Returns the ids discarded.
 */
export async function discardDeadLetters(
  deps: { pool: Pool; queues: PayqQueues },
  ids: string[],
  by: string,
  reason: string,
): Promise<string[]> {
  const { rows } = await deps.pool.query<{ payment_id: string; run: number }>(
    `UPDATE dead_letters d SET discarded_at = now(), discarded_by = $2, discard_reason = $3
       FROM payments p
      WHERE d.payment_id = ANY($1::uuid[]) AND p.id = d.payment_id AND p.status = 'dead_lettered'
        AND d.discarded_at IS NULL
     RETURNING d.payment_id, d.run`,
    [ids, by, reason],
  );
  for (let i = 0; i < rows.length; i += 500) {
    await Promise.all(
      rows.slice(i, i + 500).map((row) => deps.queues.paymentsDeadLetter.remove(deadLetterJobId(row.payment_id, row.run))),
    );
  }
  return rows.map((r) => r.payment_id);
}
