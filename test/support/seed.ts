import { randomUUID } from "node:crypto";
import { pipelineJobOptions, type PaymentJobData } from "@payq/shared";
import type { Stack } from "./stack.ts";

/**
 * Payments already accepted and queued, written straight to Postgres and Redis: for tests about what
 * the workers do with a backlog, where driving thousands of requests through HTTP first would only
 * add minutes. The HTTP path has its own tests.
 */
export async function seedAcceptedPayments(stack: Stack, count: number, maxAttempts: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await stack.db.pool.query(
    `INSERT INTO payments (id, merchant_id, amount, currency, source)
     SELECT id, 'merchant_a', 1000, 'USD', 'tok_visa' FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  for (let i = 0; i < ids.length; i += 500) {
    await stack.queues.payments.addBulk(
      ids.slice(i, i + 500).map((id) => ({
        name: "payment",
        data: { paymentId: id, run: 0 } satisfies PaymentJobData,
        opts: pipelineJobOptions(id, { maxAttempts }),
      })),
    );
  }
  return ids;
}
