import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@payq/testing";
import { inParallel } from "./support/concurrency.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

const PAYMENTS = 100;
const COPIES = 5;

describe("duplicate submissions", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
  });
  afterAll(async () => stack?.stop());

  it("makes one payment and one capture per key, however many copies race", async () => {
    const perKey = await inParallel(PAYMENTS, 10, (i) =>
      Promise.all(Array.from({ length: COPIES }, () => stack.api.create(paymentBody(i), `dup-${i}`))),
    );
    for (const responses of perKey) {
      // Each copy is either the payment (first or replayed) or told the key is busy; nothing else.
      expect(responses.every((r) => r.status === 202 || r.status === 409)).toBe(true);
      const accepted = responses.filter((r) => r.status === 202);
      expect(accepted.length).toBeGreaterThan(0);
      expect(new Set(accepted.map((r) => r.body.id)).size).toBe(1);
      expect(responses.filter((r) => r.status === 409).every((r) => (r.body.error as { code: string }).code === "idempotency_key_in_use")).toBe(true);
    }
    await waitFor(async () => (await stack.statusCounts()).succeeded === PAYMENTS, { timeoutMs: 30_000 });
    expect(await stack.statusCounts()).toEqual({ succeeded: PAYMENTS });
    const stats = await stack.bankApi.stats();
    expect(stats.captures).toBe(PAYMENTS);
    expect(stats.referencesCapturedMoreThanOnce).toBe(0);

    const reused = await stack.api.create(paymentBody(1, { amount: 999_999 }), "dup-0");
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: "idempotency_key_reused" } });
    expect(await stack.statusCounts()).toEqual({ succeeded: PAYMENTS });
  });
});
