import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  freePort,
  killSpawnedApps,
  spawnApp,
  startRedisServer,
  waitFor,
  type TestDatabase,
  type TestRedisServer,
} from "@payq/testing";
import { paymentBody } from "./support/payments-api.ts";
import { SHARED_REDIS_URL, Stack } from "./support/stack.ts";

describe("startup errors say what is wrong and how to fix it", () => {
  let db: TestDatabase;
  let evicting: TestRedisServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    evicting = await startRedisServer();
    const admin = new Redis(evicting.url);
    await admin.config("SET", "maxmemory-policy", "allkeys-lru");
    admin.disconnect();
  });
  afterAll(async () => {
    killSpawnedApps();
    await db?.drop();
    await evicting?.stop();
  });

  const startFails = async (env: Record<string, string>, expected: RegExp) => {
    const app = spawnApp("producer", { PRODUCER_PORT: "0", DATABASE_URL: db.url, REDIS_URL: SHARED_REDIS_URL, ...env });
    expect((await app.exited).code).toBe(1);
    expect(app.output()).toMatch(expected);
    return app.output();
  };

  it("names an unreachable Redis", async () => {
    const port = await freePort();
    await startFails({ REDIS_URL: `redis://127.0.0.1:${port}` }, /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED.*Start Redis/);
  });

  it("names an unreachable Postgres, without printing its password", async () => {
    const port = await freePort();
    const output = await startFails(
      { DATABASE_URL: `postgres://payq:hunter2-secret@127.0.0.1:${port}/payq` },
      /cannot reach PostgreSQL at postgres:\/\/payq:\*\*\*\*@127\.0\.0\.1:\d+\/payq.*ECONNREFUSED/,
    );
    expect(output).not.toContain("hunter2-secret");
  });

  it("asks for migrations when the schema is missing", async () => {
    const url = new URL(db.url);
    url.pathname = "/postgres";
    await startFails({ DATABASE_URL: url.toString() }, /no payq schema yet: run `pnpm db:migrate`/);
  });

  it("refuses a Redis that may evict queued payments", async () => {
    await startFails({ REDIS_URL: evicting.url }, /maxmemory-policy is \\"allkeys-lru\\"; payq needs \\"noeviction\\"/);
  });

  it("lists every invalid variable", async () => {
    const output = await startFails({ PRODUCER_PORT: "eighty", REDIS_URL: "http://nope" }, /invalid configuration:/);
    expect(output).toMatch(/PRODUCER_PORT: must be a port number/);
    expect(output).toMatch(/REDIS_URL: must be a redis:\/\/, rediss:\/\/ or redis\+cluster:\/\/host:port,host:port URL/);
  });
});

describe("SIGTERM stops gracefully", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false, faults: { latencyMs: 1_500 } });
  });
  afterAll(async () => {
    killSpawnedApps();
    await stack?.stop();
  });

  it("lets the worker finish the charge in hand, then exits 0", async () => {
    const worker = spawnApp("worker", { ...stack.env, WORKER_PORT: "0", LOG_LEVEL: "info" });
    await waitFor(() => worker.output().includes("worker running"), { timeoutMs: 20_000 });
    const id = (await stack.api.create(paymentBody(1))).body.id as string;
    await waitFor(async () => (await stack.bankApi.stats()).requests === 1, { timeoutMs: 10_000 });

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/"msg":"shutting down".*"msg":"stopped"/s);
    const { rows } = await stack.db.pool.query("SELECT status FROM payments WHERE id = $1", [id]);
    expect(rows).toEqual([{ status: "succeeded" }]);
  });

  it("stops the producer on SIGTERM with exit code 0", async () => {
    const producer = spawnApp("producer", { ...stack.env, PRODUCER_PORT: "0", LOG_LEVEL: "info" });
    await waitFor(() => producer.output().includes("producer listening"), { timeoutMs: 20_000 });
    producer.child.kill("SIGTERM");
    expect(await producer.exited).toEqual({ code: 0, signal: null });
  });
});
