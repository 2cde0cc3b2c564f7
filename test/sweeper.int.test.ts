import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterJobId, markDeadLettered, QUEUE_NAMES, queuePrefix, type DeadLetter } from "@payq/shared";
import { concurrentCharges } from "@payq/chaos";
import { startRedisServer, waitFor, type TestRedisServer } from "@payq/testing";
import { deadLetterQueueDepth } from "./support/dead-letters.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

describe("the sweeper repairs drift between Postgres and Redis", () => {
  let redisServer: TestRedisServer;
  let stack: Stack;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    stack = await Stack.start({ redisUrl: redisServer.url, worker: false, env: { RETRY_MAX_ATTEMPTS: "1" } });
  });
  afterAll(async () => {
    await stack?.stop();
    await redisServer?.stop();
  });

  it("dead-letters a payment whose job failed before the worker could mark it", async () => {
    const { body } = await stack.api.create(paymentBody(1));
    const id = body.id as string;
    // A worker that dies between the job failing and the payment being marked: only the job failed.
    const crashing = new Worker(QUEUE_NAMES.payments, () => Promise.reject(new UnrecoverableError("worker died")), {
      connection: stack.redis,
      prefix: queuePrefix(stack.prefix, "payments"),
    });
    await waitFor(async () => (await stack.queues.payments.getJob(id))?.failedReason === "worker died");
    await crashing.close();
    expect(await stack.statusOf(id)).toBe("accepted");

    await stack.startWorker();
    await stack.becomes(id, "dead_lettered");
    await waitFor(async () => (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(id, 0))) !== undefined);
    const letter = (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(id, 0)))?.data as DeadLetter;
    expect(letter).toMatchObject({ reason: "retries_exhausted", errorCode: "job_failed", errorMessage: "worker died", failedStep: "validate" });
  });

  it("queues a payment accepted while Redis was down", async () => {
    await redisServer.kill();
    const started = Date.now();
    const response = await stack.api.create(paymentBody(2));
    expect(response.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(3_000);
    await redisServer.restart();
    await stack.becomes(response.body.id as string, "succeeded");
  });

  it("adds a dead letter missing from the DLQ and removes one whose payment moved on", async () => {
    const missing = (await stack.api.create(paymentBody(3, { source: "tok_visa" }))).body.id as string;
    await stack.becomes(missing, "succeeded");
    const lost = "01890000-0000-7000-8000-0000000000aa";
    await stack.db.pool.query(
      "INSERT INTO payments (id, merchant_id, amount, currency, source, created_at) VALUES ($1, 'merchant_a', 100, 'USD', 'tok_visa', now())",
      [lost],
    );
    // Postgres says dead-lettered, but the process died before the DLQ add.
    await markDeadLettered(stack.db.pool, lost, 0, {
      reason: "retries_exhausted",
      errorClass: "transient",
      errorCode: "bank_http_503",
      errorMessage: "bank answered 503",
      failedStep: "charge",
    });
    // A DLQ entry for a payment that has since succeeded.
    await stack.queues.paymentsDeadLetter.add("dead-letter", { paymentId: missing, run: 0 }, { jobId: deadLetterJobId(missing, 0) });

    await waitFor(async () => (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(lost, 0))) !== undefined, {
      timeoutMs: 10_000,
    });
    await waitFor(async () => (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(missing, 0))) === undefined, {
      timeoutMs: 10_000,
    });
    const dead = await stack.db.pool.query<{ count: string }>("SELECT count(*) FROM payments WHERE status = 'dead_lettered'");
    expect(await deadLetterQueueDepth(stack)).toBe(Number(dead.rows[0]?.count));
  });

  it("replaces the stale job of a replay that was cut off after its Postgres write", async () => {
    await stack.bankApi.setFaults({ failureRate: 1 });
    const id = (await stack.api.create(paymentBody(4))).body.id as string;
    await stack.becomes(id, "dead_lettered");
    await stack.bankApi.heal();
    // The first half of a replay only: Postgres flipped back to accepted in run 1; Redis still holds run 0's failed job.
    await stack.db.pool.query(
      "UPDATE payments SET status = 'accepted', settled_at = NULL, run = run + 1, updated_at = now() WHERE id = $1",
      [id],
    );
    await stack.db.pool.query("DELETE FROM dead_letters WHERE payment_id = $1", [id]);
    await stack.becomes(id, "succeeded");
    await waitFor(async () => (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(id, 0))) === undefined, {
      timeoutMs: 10_000,
    });
  });

  it("re-queues a webhook whose job was lost", async () => {
    const id = (await stack.api.create(paymentBody(5, { callbackUrl: stack.callbackUrl("lost-webhook") }))).body.id as string;
    await waitFor(async () => (await stack.bankApi.deliveries()).filter((d) => d.path === "/webhooks/lost-webhook").length === 1);
    await stack.db.pool.query("UPDATE payments SET notification_status = 'pending' WHERE id = $1", [id]);
    await stack.queues.notifications.remove(id);
    await waitFor(async () => (await stack.bankApi.deliveries()).filter((d) => d.path === "/webhooks/lost-webhook").length === 2, {
      timeoutMs: 10_000,
    });
  });

  it("reaps idempotency keys past their window", async () => {
    await stack.api.create(paymentBody(6), "reap-me");
    await stack.db.pool.query(
      "UPDATE idempotency_keys SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE key = 'reap-me'",
    );
    await waitFor(async () => {
      const { rows } = await stack.db.pool.query("SELECT 1 FROM idempotency_keys WHERE key = 'reap-me'");
      return rows.length === 0;
    }, { timeoutMs: 10_000 });
  });
});

describe("the sweeper and a charge in flight", () => {
  let redisServer: TestRedisServer;
  let stack: Stack;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    stack = await Stack.start({ redisUrl: redisServer.url, worker: false });
  });
  afterAll(async () => {
    await stack?.stop();
    await redisServer?.stop();
  });

  it("never re-queues a payment beside its own charge, even when Redis lost the job mid-charge", async () => {
    const { body } = await stack.api.create(paymentBody(7));
    const id = body.id as string;
    // The job starts on a payment untouched for an hour (it waited out an outage, say)…
    await stack.db.pool.query("UPDATE payments SET updated_at = now() - interval '1 hour' WHERE id = $1", [id]);
    await stack.bankApi.setFaults({ latencyMs: 1_500 });
    const since = Date.now();
    await stack.startWorker();
    await waitFor(async () => (await stack.bankApi.requests(since)).length === 1);
    // …and Redis loses everything while the bank is still working on the charge. The sweeper (every
    // 500 ms, for payments 2 s stale) must not put a second job beside the one still charging.
    await stack.redis.flushall();
    await stack.becomes(id, "succeeded");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const requests = await stack.bankApi.requests(since);
    expect(concurrentCharges(requests)).toBe(0);
    expect(requests).toHaveLength(1);
  });
});
