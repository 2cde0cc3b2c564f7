import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_WEBHOOK_SECRET } from "@payq/runtime";
import { verifyWebhook } from "@payq/shared";
import { waitFor } from "@payq/testing";
import { inParallel } from "./support/concurrency.ts";
import { ledgerShape, reconcileWithBank } from "./support/ledger.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

const PAYMENTS = 200;

describe("happy path: a healthy bank", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
  });
  afterAll(async () => stack?.stop());

  it("settles every payment once, balances the ledger and delivers one verified webhook each", async () => {
    const responses = await inParallel(PAYMENTS, 20, (i) =>
      stack.api.create(paymentBody(i, { callbackUrl: stack.callbackUrl() })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(PAYMENTS).fill(202));
    const ids = new Set(responses.map((r) => r.body.id as string));
    expect(ids.size).toBe(PAYMENTS);

    await waitFor(async () => (await stack.statusCounts()).succeeded === PAYMENTS, {
      timeoutMs: 30_000,
      message: "payments did not all succeed",
    });
    await waitFor(async () => (await stack.bankApi.deliveries()).length >= PAYMENTS, { timeoutMs: 20_000 });

    expect(await stack.statusCounts()).toEqual({ succeeded: PAYMENTS });
    const stats = await stack.bankApi.stats();
    expect(stats.captures).toBe(PAYMENTS);
    expect(stats.referencesCapturedMoreThanOnce).toBe(0);
    const expectedTotal = responses.reduce((sum, r) => sum + (r.body.amount as number), 0);
    expect(stats.capturedAmount).toEqual({ USD: expectedTotal });

    expect(await ledgerShape(stack.db.pool)).toEqual({ payments: PAYMENTS, badEntryCount: 0, unbalanced: 0 });
    const report = await reconcileWithBank(stack.db.pool, stack.bankApi);
    expect(report).toMatchObject({ matched: PAYMENTS, differences: 0 });

    const deliveries = await stack.bankApi.deliveries();
    expect(deliveries).toHaveLength(PAYMENTS);
    const delivered = new Set<string>();
    for (const delivery of deliveries) {
      expect(verifyWebhook(DEV_WEBHOOK_SECRET, delivery.body, delivery.signature ?? undefined)).toMatchObject({ valid: true });
      const event = JSON.parse(delivery.body) as { type: string; data: { id: string; status: string } };
      expect(event).toMatchObject({ type: "payment.succeeded", data: { status: "succeeded" } });
      delivered.add(event.data.id);
    }
    expect(delivered).toEqual(ids);
    const { rows } = await stack.db.pool.query("SELECT count(*)::int AS n FROM payments WHERE notification_status = 'delivered'");
    expect(rows[0]).toEqual({ n: PAYMENTS });

    const metrics = await (await fetch(`http://127.0.0.1:${stack.workerPorts[0]}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^payq_payments_settled_total\\{outcome="succeeded"\\} ${PAYMENTS}$`, "m"));
    expect(metrics).toMatch(/^payq_step_duration_seconds_count\{step="charge"\} \d+$/m);
    expect(metrics).toMatch(/^payq_dlq_depth\{queue="payments-dead-letter"\} 0$/m);
    expect(metrics).toMatch(new RegExp(`^payq_notifications_total\\{outcome="delivered"\\} ${PAYMENTS}$`, "m"));
  });
});
