import { createServer, type Server } from "node:http";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, DEFAULT_BREAKER_OPTIONS, FleetBreakers, type StoreFailureMode } from "@payq/shared";
import { freePort, startRedisServer, waitFor, type TestRedisServer } from "@payq/testing";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

describe("when the breakers' Redis is unreachable", () => {
  let store: TestRedisServer;
  beforeAll(async () => {
    store = await startRedisServer();
  });
  afterAll(async () => store?.stop());

  const breakersOn = (mode: StoreFailureMode) => {
    const redis = createRedis(store.url, "fail-fast", { commandTimeout: 300 });
    redis.on("error", () => undefined);
    const errors: string[] = [];
    const breakers = new FleetBreakers(
      redis,
      "payq-test-store",
      { breaker: DEFAULT_BREAKER_OPTIONS, budget: null, storeFailureMode: mode },
      { onStoreError: (_name, error) => errors.push(error.message) },
    );
    return { redis, breakers, errors };
  };

  it("fails open: calls go through, reports are dropped, nothing throws", async () => {
    const { redis, breakers, errors } = breakersOn("open");
    expect(await breakers.admit("bank", { retry: false })).toMatchObject({ kind: "go" });
    await store.kill();
    const started = Date.now();
    const gate = await breakers.admit("bank", { retry: true });
    expect(gate).toMatchObject({ kind: "go", ticket: { probe: false } });
    expect(Date.now() - started).toBeLessThan(1_500);
    if (gate.kind === "go") await breakers.record(gate.ticket, { failed: true });
    expect(errors.length).toBeGreaterThan(0);
    await store.restart();
    redis.disconnect();
  });

  it("fails closed: calls wait, and go again once Redis is back", async () => {
    const { redis, breakers } = breakersOn("closed");
    await waitFor(() => redis.status === "ready");
    await store.kill();
    expect(await breakers.admit("bank", { retry: false })).toEqual({ kind: "wait", reason: "store_unavailable", retryAfterMs: 1_000 });
    await store.restart();
    await waitFor(async () => (await breakers.admit("bank", { retry: false })).kind === "go", { timeoutMs: 10_000 });
    redis.disconnect();
  });
});

describe("breakers in the running pipeline", () => {
  let stack: Stack;
  let deadHost: Server;
  let deadPort: number;
  let store: TestRedisServer;
  beforeAll(async () => {
    store = await startRedisServer();
    stack = await Stack.start({
      env: { BREAKER_REDIS_URL: store.url, NOTIFY_MAX_ATTEMPTS: "20", BREAKER_MIN_CALLS: "5", BREAKER_OPEN_MS: "10000" },
    });
    // A merchant endpoint that always fails: its own breaker opens, nobody else's does.
    deadHost = createServer((_req, res) => res.writeHead(503).end());
    deadPort = await freePort();
    await new Promise<void>((resolve) => deadHost.listen(deadPort, "127.0.0.1", resolve));
  });
  const operatorConnections: Redis[] = [];
  /** What the dashboard will hold: the same breakers, seen from outside the workers. */
  const operatorBreakers = () => {
    const redis = new Redis(store.url);
    operatorConnections.push(redis);
    return new FleetBreakers(redis, stack.prefix, { breaker: DEFAULT_BREAKER_OPTIONS, budget: null, storeFailureMode: "open" });
  };
  afterAll(async () => {
    for (const redis of operatorConnections) redis.disconnect();
    await stack?.stop();
    await store?.stop();
    deadHost?.close();
  });

  it("keeps charging, unguarded, while the breakers' Redis is down (fail open)", async () => {
    await store.kill();
    const id = (await stack.api.create(paymentBody(200))).body.id as string;
    await stack.becomes(id, "succeeded");
    await store.restart();
  });

  it("keeps payments and healthy webhook hosts going while one merchant host is down", async () => {
    const dead = `http://127.0.0.1:${deadPort}/hook`;
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        stack.api.create(paymentBody(i, { callbackUrl: i % 2 ? dead : stack.callbackUrl("healthy") })),
      ),
    );
    const ids = responses.map((r) => r.body.id as string);
    await waitFor(
      async () => {
        const { rows } = await stack.db.pool.query("SELECT 1 FROM payments WHERE id = ANY($1) AND status = 'succeeded'", [ids]);
        return rows.length === ids.length;
      },
      { timeoutMs: 20_000, message: "payments held up" },
    );
    await waitFor(async () => (await stack.bankApi.deliveries()).filter((d) => d.path === "/webhooks/healthy").length === 20, {
      timeoutMs: 20_000,
      message: "healthy host's webhooks held up",
    });
    const breakers = operatorBreakers();
    await waitFor(async () => (await breakers.snapshot(`webhook:127.0.0.1:${deadPort}`)).kind === "open", {
      timeoutMs: 20_000,
      message: "the dead host's breaker never opened",
    });
    expect((await breakers.snapshot(`webhook:127.0.0.1:${stack.bank.port}`)).kind).toBe("closed");
    expect((await breakers.snapshot("bank")).kind).toBe("closed");
    expect(await breakers.names()).toEqual(["bank", `webhook:127.0.0.1:${deadPort}`, `webhook:127.0.0.1:${stack.bank.port}`].sort());
    // The dead host's webhooks wait as delayed jobs, neither delivered nor dead-lettered yet.
    const pending = responses.filter((_, i) => i % 2).map((r) => r.body.id as string);
    const { rows } = await stack.db.pool.query("SELECT DISTINCT notification_status FROM payments WHERE id = ANY($1)", [pending]);
    expect(rows).toEqual([{ notification_status: "pending" }]);
  });

  it("lets an operator hold the bank breaker open, then closed, then reset it", async () => {
    const breakers = operatorBreakers();
    const forced = await breakers.force("bank", "open", "ops@example", "bank maintenance");
    expect(forced).toMatchObject({ kind: "forced_open", forcedBy: "ops@example", forcedReason: "bank maintenance" });
    const before = (await stack.bankApi.stats()).requests;
    const id = (await stack.api.create(paymentBody(100))).body.id as string;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await stack.statusOf(id)).toBe("accepted");
    expect((await stack.bankApi.stats()).requests).toBe(before);
    const job = await stack.queues.payments.getJob(id);
    expect(job?.attemptsMade).toBe(0);

    const metrics = await (await fetch(`http://127.0.0.1:${stack.workerPorts[0]}/metrics`)).text();
    expect(metrics).toMatch(/^payq_breaker_state\{breaker="bank"\} 3$/m);
    expect(metrics).toMatch(/^payq_breaker_rejected_total\{breaker="bank",reason="forced_open"\} [1-9]/m);
    expect(metrics).toMatch(/^payq_breaker_transitions_total\{breaker="webhook:127\.0\.0\.1:\d+",from="closed",to="open"\} 1$/m);

    expect((await breakers.force("bank", "closed", "ops@example", "false alarm")).kind).toBe("forced_closed");
    await stack.becomes(id, "succeeded", 15_000);
    expect((await breakers.force("bank", "reset", "ops@example", "done")).kind).toBe("closed");
  });
});
