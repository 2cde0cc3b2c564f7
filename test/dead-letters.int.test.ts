import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterJobId, type DeadLetter } from "@payq/shared";
import { waitFor } from "@payq/testing";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

const ATTEMPTS = 4;

/** The payment's DLQ entry, which lands a moment after Postgres marks it. */
async function deadLetterOf(stack: Stack, id: string): Promise<DeadLetter> {
  let letter: DeadLetter | undefined;
  await waitFor(async () => {
    letter = (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(id, 0)))?.data as DeadLetter | undefined;
    return letter !== undefined;
  }, { message: `no DLQ entry for ${id}` });
  return letter!;
}

describe("poison, exhausted, declined, rate-limited", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ env: { RETRY_MAX_ATTEMPTS: String(ATTEMPTS) } });
  });
  afterAll(async () => stack?.stop());

  it("dead-letters a payment the bank refuses as malformed after 1 attempt", async () => {
    const { body } = await stack.api.create(paymentBody(1, { source: "tok_invalid_account" }));
    await stack.becomes(body.id as string, "dead_lettered");
    const letter = await deadLetterOf(stack, body.id as string);
    expect(letter).toMatchObject({
      reason: "unrecoverable",
      errorClass: "permanent",
      errorCode: "bank_http_400",
      failedStep: "charge",
      attempts: 1,
    });
    expect(letter.history).toHaveLength(1);
  });

  it("dead-letters poison data at the validate step, without calling the bank", async () => {
    const before = (await stack.bankApi.stats()).requests;
    const id = "01890000-0000-7000-8000-000000000001";
    await stack.db.pool.query(
      "INSERT INTO payments (id, merchant_id, amount, currency, source) VALUES ($1, 'merchant_a', 100, 'XXX', 'tok_visa')",
      [id],
    );
    await stack.queues.payments.add("payment", { paymentId: id, run: 0 }, { jobId: id, attempts: ATTEMPTS, backoff: { type: "payq" } });
    await stack.becomes(id, "dead_lettered");
    expect(await deadLetterOf(stack, id)).toMatchObject({ reason: "unrecoverable", failedStep: "validate", attempts: 1 });
    expect((await stack.bankApi.stats()).requests).toBe(before);
  });

  it("dead-letters a transient failure that never heals after exactly the configured attempts", async () => {
    await stack.bankApi.setFaults({ failureRate: 1 });
    const before = (await stack.bankApi.stats()).requests;
    const { body } = await stack.api.create(paymentBody(2));
    await stack.becomes(body.id as string, "dead_lettered");
    await stack.bankApi.heal();
    expect((await stack.bankApi.stats()).requests - before).toBe(ATTEMPTS);
    const letter = await deadLetterOf(stack, body.id as string);
    expect(letter).toMatchObject({ reason: "retries_exhausted", errorClass: "transient", errorCode: "bank_http_500", attempts: ATTEMPTS });
    expect(letter.history.map((a) => [a.attempt, a.step, a.outcome, a.errorCode])).toEqual(
      Array.from({ length: ATTEMPTS }, (_, i) => [i + 1, "charge", "failed", "bank_http_500"]),
    );
    const { rows } = await stack.db.pool.query("SELECT reason, failed_step, attempts FROM dead_letters WHERE payment_id = $1", [body.id]);
    expect(rows).toEqual([{ reason: "retries_exhausted", failed_step: "charge", attempts: ATTEMPTS }]);
  });

  it("settles a decline as declined, not as a dead letter, and notifies it", async () => {
    const { body } = await stack.api.create(paymentBody(3, { source: "tok_decline", callbackUrl: stack.callbackUrl("declines") }));
    await stack.becomes(body.id as string, "declined");
    expect((await stack.api.get(body.id as string)).body).toMatchObject({ status: "declined", declineCode: "card_declined" });
    expect(await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(body.id as string, 0))).toBeUndefined();
    await waitFor(async () => (await stack.bankApi.deliveries()).some((d) => d.path === "/webhooks/declines"));
    const delivery = (await stack.bankApi.deliveries()).find((d) => d.path === "/webhooks/declines");
    expect(JSON.parse(delivery!.body)).toMatchObject({ type: "payment.declined", data: { id: body.id } });
  });

  it("waits at least Retry-After before retrying a 429", async () => {
    await stack.bankApi.setFaults({ rateLimitRate: 1, retryAfterS: 1 });
    const { body } = await stack.api.create(paymentBody(4));
    await waitFor(async () => {
      const { rows } = await stack.db.pool.query("SELECT 1 FROM payment_attempts WHERE payment_id = $1", [body.id]);
      return rows.length > 0;
    });
    await stack.bankApi.heal();
    await stack.becomes(body.id as string, "succeeded");
    const { rows } = await stack.db.pool.query<{ outcome: string; error_class: string | null; gap_ms: number | null }>(
      `SELECT outcome, error_class,
              extract(epoch FROM started_at - lag(finished_at) OVER (ORDER BY id)) * 1000 AS gap_ms
         FROM payment_attempts WHERE payment_id = $1 ORDER BY id`,
      [body.id],
    );
    expect(rows[0]).toMatchObject({ outcome: "failed", error_class: "rate_limited" });
    expect(rows.at(-1)).toMatchObject({ outcome: "succeeded" });
    // The retry after the 429 waited the bank's full second, not the policy's 20-200 ms.
    expect(Number(rows[1]?.gap_ms)).toBeGreaterThanOrEqual(950);
  });
});
