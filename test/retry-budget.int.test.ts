import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAcceptedPayments } from "./support/seed.ts";
import { Stack } from "./support/stack.ts";

const RATIO = 0.1;
const BURST = 10;
const PER_SECOND = 1;
const WINDOW_MS = 8_000;

describe("the retry budget with a bank failing half its charges", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({
      faults: { failureRate: 0.5 },
      env: {
        // The budget alone: the breaker would (rightly) trip on a bank this sick.
        BREAKER_ENABLED: "false",
        RETRY_BUDGET_RATIO: String(RATIO),
        RETRY_BUDGET_MAX_TOKENS: String(BURST),
        RETRY_BUDGET_MIN_PER_SECOND: String(PER_SECOND),
        RETRY_MAX_ATTEMPTS: "10",
      },
    });
  });
  afterAll(async () => stack?.stop());

  it("keeps retries under the ratio plus the burst, and a deferred retry costs no attempt", async () => {
    const ids = await seedAcceptedPayments(stack, 300, 10);
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    await stack.stopWorkers();
    const elapsedS = (Date.now() - started) / 1_000;

    const { firstRequests, repeatRequests } = await stack.bankApi.stats();
    const allowed = RATIO * firstRequests + BURST + PER_SECOND * elapsedS;
    process.stdout.write(`first ${firstRequests}, retries ${repeatRequests}, allowed ${allowed.toFixed(0)}\n`);
    expect(firstRequests).toBe(300);
    expect(repeatRequests).toBeGreaterThan(0);
    expect(repeatRequests).toBeLessThanOrEqual(allowed);

    // BullMQ counts only real failures: deferrals by the budget added nothing.
    const { rows } = await stack.db.pool.query<{ payment_id: string; failures: number }>(
      "SELECT payment_id, count(*)::int AS failures FROM payment_attempts WHERE outcome = 'failed' GROUP BY payment_id",
    );
    const failures = new Map(rows.map((r) => [r.payment_id, r.failures]));
    const jobs = await Promise.all(ids.map((id) => stack.queues.payments.getJob(id)));
    const mismatched = jobs.filter((job) => job && job.attemptsMade !== (failures.get(job.id!) ?? 0) && job.finishedOn === undefined);
    expect(mismatched.map((job) => [job!.id, job!.attemptsMade, failures.get(job!.id!)])).toEqual([]);
    // Retries the budget held back are still queued: delayed, or just promoted to waiting (deferrals
    // come due together, so on a busy machine a stop can catch them all between the two).
    const { delayed = 0, waiting = 0 } = await stack.queues.payments.getJobCounts("delayed", "waiting");
    expect(delayed + waiting).toBeGreaterThan(0);
  });
});
