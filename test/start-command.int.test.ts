import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_API_KEY } from "@payq/runtime";
import { redisAnswers } from "@payq/shared";
import { createTestDatabase, freePort, killSpawnedApps, spawnApp, waitFor, type TestDatabase } from "@payq/testing";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `pnpm start` as a newcomer runs it: from the repository's root, where its `.data/` lands. */
const payqStart = (env: Record<string, string>) => spawnApp("cli", { LOG_LEVEL: "warn", ...env }, { args: ["start"], cwd: ROOT });

describe("pnpm start with no Redis running", () => {
  let db: TestDatabase;
  let redisPort: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    redisPort = await freePort();
  });
  afterAll(async () => {
    killSpawnedApps();
    await db?.drop();
    await rm(dataDir(), { recursive: true, force: true });
  });
  const dataDir = () => join(ROOT, ".data", `redis-${redisPort}`);

  it("starts a local redis-server with AOF under .data/, runs the whole system on it, and stops it on SIGTERM", async () => {
    const [producer, dashboard, worker, bank] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const run = payqStart({
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `start-${redisPort}`,
      PRODUCER_PORT: String(producer),
      DASHBOARD_PORT: String(dashboard),
      WORKER_PORT: String(worker),
      BANK_SIM_PORT: String(bank),
      BANK_URL: `http://127.0.0.1:${bank}`,
    });
    try {
      const up = await waitFor(() => run.output().includes("payq is running"), { timeoutMs: 90_000 }).then(() => true, () => false);
      expect(up, `payq start did not come up:\n${run.output()}`).toBe(true);
      expect(run.output()).toContain(`redis      redis://127.0.0.1:${redisPort} (started here: AOF in ${dataDir()})`);

      const response = await fetch(`http://127.0.0.1:${producer}/v1/payments`, {
        method: "POST",
        headers: { authorization: `Bearer ${DEV_API_KEY.key}`, "idempotency-key": "start-1", "content-type": "application/json" },
        body: JSON.stringify({ amount: 1_250, currency: "USD", source: "tok_visa" }),
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      await waitFor(async () => {
        const { rows } = await db.pool.query<{ status: string }>("SELECT status FROM payments WHERE id = $1", [id]);
        return rows[0]?.status === "succeeded";
      }, { timeoutMs: 30_000, message: "the payment did not settle" });
      expect(existsSync(join(dataDir(), "appendonlydir"))).toBe(true);
    } finally {
      run.child.kill("SIGTERM");
    }
    expect((await run.exited).code).toBe(0);
    expect(await redisAnswers(`redis://127.0.0.1:${redisPort}`)).toBe(false);
  }, 150_000);

  it("says how to get a Redis when the one named is not on this machine, and starts nothing", async () => {
    const run = payqStart({ REDIS_URL: "redis://redis.invalid:6379", DATABASE_URL: db.url });
    expect((await run.exited).code).toBe(1);
    expect(run.output()).toContain("no Redis answers at redis://redis.invalid:6379");
    expect(run.output()).toContain("sudo apt-get install redis-server");
    expect(run.output()).toContain("docker run -d -p 6379:6379 redis:7");
  }, 30_000);
});
