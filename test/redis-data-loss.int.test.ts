import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, waitFor, type TestRedisServer } from "@payq/testing";
import { inParallel } from "./support/concurrency.ts";
import { ledgerShape, reconcileWithBank } from "./support/ledger.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

const PAYMENTS = 300;

describe("Redis loses all its data mid-run", () => {
  let redisServer: TestRedisServer;
  let stack: Stack;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    stack = await Stack.start({ redisUrl: redisServer.url, faults: { latencyMs: 20 }, env: { WORKER_CONCURRENCY: "5" } });
  });
  afterAll(async () => {
    await stack?.stop();
    await redisServer?.stop();
  });

  it("still settles every accepted payment, from what Postgres remembers", async () => {
    const responses = await inParallel(PAYMENTS, 20, (i) => stack.api.create(paymentBody(i)));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    await waitFor(async () => ((await stack.statusCounts()).succeeded ?? 0) >= 20, { timeoutMs: 20_000 });

    const admin = new Redis(redisServer.url);
    await admin.flushall();
    admin.disconnect();
    const openAtFlush = await stack.openPayments();
    expect(openAtFlush).toBeGreaterThan(0);

    await waitFor(async () => (await stack.openPayments()) === 0, { timeoutMs: 60_000, message: "payments were lost" });
    expect(await stack.statusCounts()).toEqual({ succeeded: PAYMENTS });
    const stats = await stack.bankApi.stats();
    expect(stats.captures).toBe(PAYMENTS);
    expect(stats.referencesCapturedMoreThanOnce).toBe(0);
    expect(await ledgerShape(stack.db.pool)).toEqual({ payments: PAYMENTS, badEntryCount: 0, unbalanced: 0 });
    expect((await reconcileWithBank(stack.db.pool, stack.bankApi)).differences).toBe(0);
  });
});
