import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@payq/testing";
import { inParallel } from "./support/concurrency.ts";
import { replayAllDeadLetters } from "./support/dead-letters.ts";
import { ledgerShape, reconcileWithBank } from "./support/ledger.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

const PAYMENTS = 300;
const KILLS = 6;

describe("workers SIGKILLed while charges are in flight", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false, faults: { latencyMs: 200 } });
  });
  afterAll(async () => stack?.stop());

  it("leaves every payment terminal with at most one capture each", async () => {
    const responses = await inParallel(PAYMENTS, 20, (i) => stack.api.create(paymentBody(i)));
    expect(responses.every((r) => r.status === 202)).toBe(true);

    const workers: ChildProcess[] = [stack.spawnWorker(), stack.spawnWorker()];
    let killedMidCharge = 0;
    for (let kill = 0; kill < KILLS; kill += 1) {
      // Wait until the bank is busy with this round's charges, then pull the plug on a worker.
      const before = (await stack.bankApi.stats()).requests;
      await waitFor(async () => (await stack.bankApi.stats()).requests >= before + 5, { timeoutMs: 20_000 });
      const victim = workers.splice(kill % workers.length, 1)[0]!;
      victim.kill("SIGKILL");
      await new Promise((resolve) => victim.once("exit", resolve));
      if ((await stack.openPayments()) > 0) killedMidCharge += 1;
      workers.push(stack.spawnWorker());
    }
    expect(killedMidCharge).toBeGreaterThan(0);

    await waitFor(async () => (await stack.openPayments()) === 0, { timeoutMs: 90_000, message: "payments stayed open" });
    const stats = await stack.bankApi.stats();
    expect(stats.referencesCapturedMoreThanOnce).toBe(0);
    // Proof the dangerous path ran: charges re-sent after a crash, absorbed by the idempotency key.
    expect(stats.duplicatesPrevented).toBeGreaterThan(0);
    const counts = await stack.statusCounts();
    expect((counts.succeeded ?? 0) + (counts.dead_lettered ?? 0)).toBe(PAYMENTS);

    // A job that kept dying with its worker may be dead-lettered as poison; replay finishes it, once.
    await replayAllDeadLetters(stack);
    await waitFor(async () => (await stack.statusCounts()).succeeded === PAYMENTS, { timeoutMs: 60_000 });
    const after = await stack.bankApi.stats();
    expect(after.captures).toBe(PAYMENTS);
    expect(after.referencesCapturedMoreThanOnce).toBe(0);
    expect(await ledgerShape(stack.db.pool)).toEqual({ payments: PAYMENTS, badEntryCount: 0, unbalanced: 0 });
    expect((await reconcileWithBank(stack.db.pool, stack.bankApi)).differences).toBe(0);
    for (const worker of workers) worker.kill("SIGTERM");
  }, 180_000);
});
