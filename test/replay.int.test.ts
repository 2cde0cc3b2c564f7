import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargeIdempotencyKey, markDeadLettered, replayDeadLetter } from "@payq/shared";
import { waitFor } from "@payq/testing";
import { reconcileWithBank } from "./support/ledger.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

describe("replaying dead letters", () => {
  let stack: Stack;
  const replay = (id: string) => replayDeadLetter({ pool: stack.db.pool, queues: stack.queues, retryPolicy: { maxAttempts: 3 } }, id);

  beforeAll(async () => {
    stack = await Stack.start({ env: { RETRY_MAX_ATTEMPTS: "2" } });
  });
  afterAll(async () => stack?.stop());

  it("resumes at the failed ledger step without charging again", async () => {
    // Break the ledger in this test's own database: captured payments fail at the ledger step.
    await stack.db.pool.query(`
      CREATE FUNCTION test_break_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger is down for maintenance'; END $$;
      CREATE TRIGGER test_break_ledger BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION test_break_ledger();`);
    const id = (await stack.api.create(paymentBody(1))).body.id as string;
    await stack.becomes(id, "dead_lettered");
    const { rows } = await stack.db.pool.query("SELECT failed_step, error_class FROM dead_letters WHERE payment_id = $1", [id]);
    expect(rows).toEqual([{ failed_step: "ledger", error_class: "permanent" }]);
    const charged = await fetch(`${stack.bankApi.baseUrl}/v1/charges/${chargeIdempotencyKey(id)}`);
    expect(await charged.json()).toMatchObject({ requests: 1, capturesOfReference: 1 });

    await stack.db.pool.query("DROP TRIGGER test_break_ledger ON ledger_entries");
    const requestsBefore = (await stack.bankApi.stats()).requests;
    expect(await replay(id)).toEqual({ paymentId: id, outcome: "replayed", run: 1 });
    await stack.becomes(id, "succeeded");
    expect((await stack.bankApi.stats()).requests).toBe(requestsBefore);
    const attempts = await stack.db.pool.query("SELECT run, step, outcome FROM payment_attempts WHERE payment_id = $1 ORDER BY id", [id]);
    expect(attempts.rows).toEqual([
      { run: 0, step: "ledger", outcome: "failed" },
      { run: 1, step: "ledger", outcome: "succeeded" },
    ]);
  });

  it("yields one outcome when two operators replay the same dead letter at once", async () => {
    await stack.bankApi.setFaults({ failureRate: 1 });
    const id = (await stack.api.create(paymentBody(2))).body.id as string;
    await stack.becomes(id, "dead_lettered");
    await stack.bankApi.heal();
    const results = await Promise.all([replay(id), replay(id)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["replayed", "skipped"]);
    await stack.becomes(id, "succeeded");
    const charge = await (await fetch(`${stack.bankApi.baseUrl}/v1/charges/${chargeIdempotencyKey(id)}`)).json();
    expect(charge).toMatchObject({ capturesOfReference: 1 });
  });

  it("keeps a capture that lands after the payment was dead-lettered off the books until a replay records it once", async () => {
    await stack.bankApi.setFaults({ latencyMs: 1_000 });
    const id = (await stack.api.create(paymentBody(4))).body.id as string;
    const key = chargeIdempotencyKey(id);
    await waitFor(async () => (await stack.bankApi.requests()).some((r) => r.idempotencyKey === key && r.endedAt === null), {
      message: "the charge never reached the bank",
    });
    // Dead-lettered elsewhere (the sweeper, an operator) while this job's charge is still at the bank.
    await markDeadLettered(stack.db.pool, id, 0, {
      reason: "stalled",
      errorClass: "transient",
      errorCode: "stalled",
      errorMessage: "job stalled",
      failedStep: "charge",
    });
    const job = await stack.queues.payments.getJob(id);
    await waitFor(async () => (await job!.getState()) === "completed", { timeoutMs: 20_000, message: "the job never ended" });
    const finished = await stack.queues.payments.getJob(id);
    expect(finished?.returnvalue).not.toEqual({ outcome: "succeeded" });
    const attempts = await stack.db.pool.query("SELECT step, outcome FROM payment_attempts WHERE payment_id = $1 ORDER BY id", [id]);
    expect(attempts.rows).toEqual([{ step: "ledger", outcome: "failed" }]);
    expect(await stack.statusOf(id)).toBe("dead_lettered");

    await stack.bankApi.heal();
    expect(await replay(id)).toMatchObject({ outcome: "replayed" });
    await stack.becomes(id, "succeeded");
    const charge = await (await fetch(`${stack.bankApi.baseUrl}/v1/charges/${key}`)).json();
    expect(charge).toMatchObject({ capturesOfReference: 1 });
    expect((await reconcileWithBank(stack.db.pool, stack.bankApi)).differences).toBe(0);
  });

  it("refuses to replay a payment that is not dead-lettered", async () => {
    const id = (await stack.api.create(paymentBody(3))).body.id as string;
    await stack.becomes(id, "succeeded");
    expect(await replay(id)).toEqual({ paymentId: id, outcome: "skipped", reason: "status_succeeded" });
    expect(await replay("01890000-0000-7000-8000-00000000ffff")).toMatchObject({ outcome: "skipped", reason: "not_found" });
    expect(await stack.statusOf(id)).toBe("succeeded");
  });
});
