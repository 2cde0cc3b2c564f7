import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "ioredis";
import { loadProducerEnv, startProducer } from "@payq/producer";
import type { RunningApp } from "@payq/runtime";
import { deadLetterJobId, primaries, queuePrefix } from "@payq/shared";
import { startRedisCluster, waitFor, type TestRedisCluster } from "@payq/testing";
import { DashboardClient } from "./support/dashboard-client.ts";
import { deadLetterQueueDepth, replayAllDeadLetters } from "./support/dead-letters.ts";
import { ledgerShape, reconcileWithBank } from "./support/ledger.ts";
import { paymentBody, PaymentsApi } from "./support/payments-api.ts";
import { MERCHANT_A, Stack, testLogger } from "./support/stack.ts";

/**
 * The whole of payq on a real three-primary Redis Cluster: the pipeline, the fleet breaker, dead-letter
 * replay and the sweeper. Every connection goes through REDIS_URL=redis+cluster://…, exactly as deployed.
 * The default prefix is used on purpose: its hash tags are what a deployment gets.
 */
describe("payq on a Redis Cluster of three primaries", () => {
  let cluster: TestRedisCluster;
  let stack: Stack;
  let dashboard: RunningApp;
  let operator: DashboardClient;

  const create = async (i: number, overrides = {}) => (await stack.api.create(paymentBody(i, overrides))).body.id as string;
  const allBecome = (ids: string[], status: string, timeoutMs = 30_000) =>
    stack.waitUntil(async () => (await Promise.all(ids.map((id) => stack.statusOf(id)))).every((s) => s === status), timeoutMs, `${ids.length} payments ${status}`);
  const attemptsOf = async (ids: string[]) =>
    Number((await stack.db.pool.query("SELECT count(*) FROM payment_attempts WHERE payment_id = ANY($1::uuid[])", [ids])).rows[0]?.count);

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    stack = await Stack.start({
      redisUrl: cluster.url,
      prefix: "payq",
      // Failures dead-letter fast and never trip the breaker by themselves: its test forces it.
      env: { RETRY_MAX_ATTEMPTS: "2", BREAKER_MIN_CALLS: "100000", BREAKER_CONSECUTIVE_FAILURES: "100000" },
    });
    dashboard = await stack.startDashboard();
    operator = await DashboardClient.login(`http://127.0.0.1:${dashboard.port}`, "admin", "payq-admin");
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });

  it("connects every app through the cluster client", () => {
    expect(stack.redis).toBeInstanceOf(Cluster);
    expect(stack.queues.payments.opts.prefix).toBe("{payq:payments}");
  });

  it("settles every payment exactly once through a 30% flaky bank", async () => {
    await stack.bankApi.setFaults({ failureRate: 0.3 });
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => create(i)));
    const terminal = async () => (await Promise.all(ids.map((id) => stack.statusOf(id)))).every((s) => s !== "accepted");
    await stack.waitUntil(terminal, 45_000, "60 payments settled");
    // Two attempts each: the unlucky ones are dead letters, which a replay on a healed bank settles.
    await stack.bankApi.heal();
    await replayAllDeadLetters(stack);
    await allBecome(ids, "succeeded");
    const stats = await stack.bankApi.stats();
    expect(stats.captures).toBe(60);
    expect(stats.referencesCapturedMoreThanOnce).toBe(0);
    expect(stats.faultsInjected.failure ?? 0).toBeGreaterThan(0);
    expect(await ledgerShape(stack.db.pool)).toEqual({ payments: 60, badEntryCount: 0, unbalanced: 0 });
    expect((await reconcileWithBank(stack.db.pool, stack.bankApi)).differences).toBe(0);
  });

  it("holds payments behind a forced-open breaker without using an attempt, then settles them", async () => {
    expect((await operator.post("/api/breakers/bank/force", { action: "open", reason: "cluster test" })).status).toBe(200);
    const before = (await stack.bankApi.stats()).requests;
    const deadLetters = await deadLetterQueueDepth(stack);
    const ids = await Promise.all([100, 101, 102].map((i) => create(i)));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await Promise.all(ids.map((id) => stack.statusOf(id)))).toEqual(["accepted", "accepted", "accepted"]);
    expect((await stack.bankApi.stats()).requests).toBe(before);
    expect(await attemptsOf(ids)).toBe(0);
    expect(await deadLetterQueueDepth(stack)).toBe(deadLetters);

    expect((await operator.post("/api/breakers/bank/force", { action: "reset", reason: "cluster test over" })).status).toBe(200);
    await allBecome(ids, "succeeded");
    expect((await stack.bankApi.stats()).requests).toBe(before + 3);
  });

  it("replays dead letters from the console: each resumes and is captured once", async () => {
    await stack.bankApi.setFaults({ failureRate: 1 });
    const ids = await Promise.all([200, 201, 202, 203].map((i) => create(i)));
    await allBecome(ids, "dead_lettered");
    await waitFor(async () => (await deadLetterQueueDepth(stack)) === 4);
    await stack.bankApi.heal();

    const started = await operator.post("/api/dead-letters/replay", { filter: {}, ratePerSecond: 50 });
    expect(started.status).toBe(202);
    await allBecome(ids, "succeeded");
    expect(await deadLetterQueueDepth(stack)).toBe(0);
    const statement = await stack.bankApi.statement();
    for (const id of ids) expect(statement.filter((entry) => entry.reference === id)).toHaveLength(1);
    expect((await reconcileWithBank(stack.db.pool, stack.bankApi)).differences).toBe(0);
  });

  it("sweeps: re-queues payments whose jobs the cluster lost, and restores a lost dead-letter entry", async () => {
    await stack.stopWorkers();
    const lost = await Promise.all([300, 301, 302].map((i) => create(i)));
    for (const id of lost) await stack.queues.payments.remove(id);
    expect(await Promise.all(lost.map((id) => stack.queues.payments.getJob(id)))).toEqual([undefined, undefined, undefined]);

    const poisoned = await create(303, { source: "tok_invalid_account" });
    await stack.startWorker();
    await stack.becomes(poisoned, "dead_lettered");
    await stack.queues.paymentsDeadLetter.remove(deadLetterJobId(poisoned, 0));

    await allBecome(lost, "succeeded");
    await waitFor(async () => (await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(poisoned, 0))) !== undefined, {
      timeoutMs: 20_000,
      message: "the sweeper never restored the lost dead-letter entry",
    });
  });

  it("meters each merchant through the cluster: over the budget is 429, and the limiter never failed open", async () => {
    const limited = await startProducer(
      loadProducerEnv({ ...stack.env, API_RATE_LIMIT_PER_SECOND: "2", API_RATE_LIMIT_BURST: "0", PRODUCER_PORT: "0" }),
      testLogger,
    );
    try {
      const api = new PaymentsApi(`http://127.0.0.1:${limited.port}`, MERCHANT_A.key);
      const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => api.create(paymentBody(400 + i)).then((r) => r.status)));
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 202 || status === 429)).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${limited.port}/metrics`)).text();
      expect(metrics).toMatch(/^payq_rate_limiter_failures_total 0$/m);
      expect(metrics).toMatch(new RegExp(`^payq_rate_limited_total ${statuses.filter((status) => status === 429).length}$`, "m"));
    } finally {
      await limited.stop();
    }
  });

  it("shows every queue, and the cluster's Redis, in bull-board", async () => {
    const queues = await operator.get("/queues/api/queues");
    expect(queues.status).toBe(200);
    expect((queues.body.queues as { name: string }[]).map((queue) => queue.name).sort()).toEqual(
      ["notifications", "notifications-dead-letter", "payments", "payments-dead-letter"],
    );
    const stats = await operator.get("/queues/api/redis/stats");
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ mode: "cluster" });
  });

  it("keeps each queue and breaker in one slot, and spreads them over the primaries", async () => {
    const primary = (tag: string) => cluster.primaryOf(`${tag}:x`);
    const placements = {
      payments: await primary(queuePrefix("payq", "payments")),
      notifications: await primary(queuePrefix("payq", "notifications")),
      paymentsDeadLetter: await primary(queuePrefix("payq", "paymentsDeadLetter")),
      breaker: await primary("{payq:breaker:bank}"),
    };
    // With the default prefix and an even split of slots, these land on all three primaries.
    expect(new Set(Object.values(placements)).size).toBe(3);
    for (const port of cluster.ports) {
      const keys = await primaries(stack.redis).find((node) => node.options.port === port)!.keys("*");
      expect(keys.length).toBeGreaterThan(0);
      // Nothing of a queue's lives outside its tag, so every multi-key script stays inside one slot; only
      // the single-key families (sessions, rate limits, the breaker registry) go untagged.
      const untagged = keys.filter((key) => !key.startsWith("{"));
      expect(untagged.filter((key) => !/^payq:(session:|rate-limit:|breakers$)/.test(key))).toEqual([]);
    }
  });
});
