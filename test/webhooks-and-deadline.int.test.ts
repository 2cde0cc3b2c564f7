import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterJobId } from "@payq/shared";
import { waitFor } from "@payq/testing";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

describe("a merchant endpoint that is down", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ faults: { webhookFailureRate: 1 }, env: { NOTIFY_MAX_ATTEMPTS: "3" } });
  });
  afterAll(async () => stack?.stop());

  it("dead-letters the webhook after its attempts and leaves the payment succeeded", async () => {
    const id = (await stack.api.create(paymentBody(1, { callbackUrl: stack.callbackUrl("down") }))).body.id as string;
    await waitFor(async () => (await stack.queues.notificationsDeadLetter.getJob(id)) !== undefined, { timeoutMs: 20_000 });
    const { rows } = await stack.db.pool.query("SELECT status, notification_status FROM payments WHERE id = $1", [id]);
    expect(rows).toEqual([{ status: "succeeded", notification_status: "dead_lettered" }]);
    expect((await stack.bankApi.stats()).faultsInjected.webhookFailure).toBe(3);
    expect((await stack.queues.notificationsDeadLetter.getJob(id))?.data).toMatchObject({ paymentId: id, attempts: 3 });
    expect(await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(id, 0))).toBeUndefined();
  });
});

describe("the payment deadline", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false, env: { PAYMENT_DEADLINE_MS: "1000" } });
  });
  afterAll(async () => stack?.stop());

  it("dead-letters a payment still open past its deadline, without charging it", async () => {
    const id = (await stack.api.create(paymentBody(2))).body.id as string;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await stack.startWorker();
    await waitFor(async () => (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(id, 0))) !== undefined);
    const { rows } = await stack.db.pool.query("SELECT reason, failed_step FROM dead_letters WHERE payment_id = $1", [id]);
    expect(rows).toEqual([{ reason: "deadline_exceeded", failed_step: "validate" }]);
    expect((await stack.bankApi.stats()).requests).toBe(0);
  });
});
