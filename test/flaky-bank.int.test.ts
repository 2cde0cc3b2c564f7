import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterJobId, type DeadLetter } from "@payq/shared";
import { waitFor } from "@payq/testing";
import { inParallel } from "./support/concurrency.ts";
import { deadLetterQueueDepth, replayAllDeadLetters } from "./support/dead-letters.ts";
import { ledgerShape, reconcileWithBank } from "./support/ledger.ts";
import { paymentBody } from "./support/payments-api.ts";
import { runCli } from "./support/processes.ts";
import { Stack } from "./support/stack.ts";

const PAYMENTS = 200;
// 3 attempts against a bank that fails 55% of the time: about 1 payment in 6 exhausts its retries.
const ATTEMPTS = 3;
// The pipeline's own retries and dead letters, on their own: the breaker (which would rightly trip on a
// bank this sick) and the retry budget have tests of their own.
const NO_BREAKER = { BREAKER_ENABLED: "false", RETRY_BUDGET_ENABLED: "false" };

describe("a flaky bank (failure 0.5, ambiguous 0.1)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({
      faults: { failureRate: 0.5, ambiguousRate: 0.1 },
      env: { RETRY_MAX_ATTEMPTS: String(ATTEMPTS), ...NO_BREAKER },
    });
  });
  afterAll(async () => stack?.stop());

  it("ends every payment terminal, never captures twice, and reconciles after replay", async () => {
    const responses = await inParallel(PAYMENTS, 20, (i) => stack.api.create(paymentBody(i)));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    await waitFor(async () => (await stack.openPayments()) === 0, { timeoutMs: 60_000, message: "payments stayed open" });

    const counts = await stack.statusCounts();
    expect((counts.succeeded ?? 0) + (counts.dead_lettered ?? 0)).toBe(PAYMENTS);
    const deadLettered = counts.dead_lettered ?? 0;
    expect(deadLettered).toBeGreaterThan(0);
    expect((await stack.bankApi.stats()).referencesCapturedMoreThanOnce).toBe(0);

    // Every dead letter is in Postgres and in the DLQ, with its reason, class, step and full history.
    await waitFor(async () => (await deadLetterQueueDepth(stack)) === deadLettered, { message: "DLQ and Postgres disagree" });
    const { rows } = await stack.db.pool.query<{ payment_id: string; run: number }>(
      "SELECT payment_id, run FROM dead_letters",
    );
    expect(rows).toHaveLength(deadLettered);
    for (const row of rows) {
      const job = await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(row.payment_id, row.run));
      const letter = job?.data as DeadLetter;
      expect(letter).toMatchObject({ paymentId: row.payment_id, reason: "retries_exhausted", failedStep: "charge" });
      expect(["transient", "ambiguous"]).toContain(letter.errorClass);
      expect(letter.history.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(letter.history.every((a) => a.outcome === "failed" && a.step === "charge")).toBe(true);
    }

    await stack.bankApi.heal();
    const replays = await replayAllDeadLetters(stack);
    expect(replays.filter((r) => r.outcome === "replayed")).toHaveLength(deadLettered);
    await waitFor(async () => (await stack.statusCounts()).succeeded === PAYMENTS, {
      timeoutMs: 30_000,
      message: "replayed payments did not succeed",
    });

    const stats = await stack.bankApi.stats();
    expect(stats.captures).toBe(PAYMENTS);
    expect(stats.referencesCapturedMoreThanOnce).toBe(0);
    expect(await deadLetterQueueDepth(stack)).toBe(0);
    expect(await ledgerShape(stack.db.pool)).toEqual({ payments: PAYMENTS, badEntryCount: 0, unbalanced: 0 });
    expect(await reconcileWithBank(stack.db.pool, stack.bankApi)).toMatchObject({ matched: PAYMENTS, differences: 0 });

    const cli = await runCli(["reconcile", "--json"], { DATABASE_URL: stack.db.url, BANK_URL: stack.bankApi.baseUrl });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ matched: PAYMENTS, differences: 0 });
  });
});
