import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargeIdempotencyKey, createPool, embeddedDirectory, migrate } from "@payq/shared";
import { createEmbeddedTestDatabase, spawnCaptured, type TestDatabase } from "@payq/testing";
import { deadLetterQueueDepth, replayAllDeadLetters } from "./support/dead-letters.ts";
import { ledgerShape, reconcileWithBank } from "./support/ledger.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

const SHARED = fileURLToPath(new URL("../packages/shared/src/index.ts", import.meta.url));

/**
 * The whole pipeline on the embedded PostgreSQL (PGlite) that `pnpm start` uses when no server answers:
 * the producer and the worker in this process share one PGlite, as they do under `pnpm start`.
 */
describe("payq on the embedded PostgreSQL", () => {
  let db: TestDatabase;
  let stack: Stack;
  let stackStopped = false;
  const create = async (i: number, overrides = {}) => (await stack.api.create(paymentBody(i, overrides))).body.id as string;
  const terminal = (ids: string[]) => async () =>
    (await Promise.all(ids.map((id) => stack.statusOf(id)))).every((status) => status !== "accepted");

  beforeAll(async () => {
    db = await createEmbeddedTestDatabase();
    stack = await Stack.start({ database: db, env: { RETRY_MAX_ATTEMPTS: "3", BREAKER_ENABLED: "false" } });
  });
  afterAll(async () => {
    if (!stackStopped) await stack?.stop();
    await db?.drop();
  });

  it("applies each migration once", async () => {
    expect(await migrate(db.url)).toEqual([]);
    const { rows } = await db.pool.query<{ count: number }>("SELECT count(*)::int AS count FROM payq_migrations");
    expect(rows[0]?.count).toBeGreaterThanOrEqual(3);
  });

  it("settles every payment exactly once through a 30% flaky bank, with a balanced ledger", async () => {
    await stack.bankApi.setFaults({ failureRate: 0.3 });
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => create(i, i % 10 === 0 ? { source: "tok_decline" } : {})));
    await stack.waitUntil(terminal(ids), 60_000, "40 payments settled");
    await stack.bankApi.heal();
    await replayAllDeadLetters(stack);
    await stack.waitUntil(terminal(ids), 30_000, "the replayed payments settled");
    expect(await stack.statusCounts()).toEqual({ succeeded: 36, declined: 4 });
    const stats = await stack.bankApi.stats();
    expect(stats.captures).toBe(36);
    expect(stats.referencesCapturedMoreThanOnce).toBe(0);
    expect(await ledgerShape(db.pool)).toEqual({ payments: 36, badEntryCount: 0, unbalanced: 0 });
    expect((await reconcileWithBank(db.pool, stack.bankApi)).differences).toBe(0);
    expect(await deadLetterQueueDepth(stack)).toBe(0);
  });

  it("keeps idempotency: the same key and body replay, another body is refused", async () => {
    const first = await stack.api.create(paymentBody(100), "embedded-key-1");
    const again = await stack.api.create(paymentBody(100), "embedded-key-1");
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await stack.api.create(paymentBody(101), "embedded-key-1");
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: "idempotency_key_reused" } });
    await stack.becomes(first.body.id as string, "succeeded");
    const charge = await (await fetch(`${stack.bankApi.baseUrl}/v1/charges/${chargeIdempotencyKey(first.body.id as string)}`)).json();
    expect(charge).toMatchObject({ capturesOfReference: 1 });
  });

  it("refuses a second process while this one holds the directory, naming who has it", async () => {
    const script = `import { createPool } from ${JSON.stringify(SHARED)};
      const pool = createPool({ connectionString: ${JSON.stringify(db.url)} });
      pool.query("SELECT 1").then(() => process.exit(0), (error) => { console.error(error.message); process.exit(3); });`;
    const second = spawnCaptured(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    expect((await second.exited).code).toBe(3);
    expect(second.output()).toContain(`the embedded PostgreSQL in ${embeddedDirectory(db.url)} is in use by process ${process.pid}`);
  });

  it("keeps every payment across a close and reopen of the directory", async () => {
    const before = await stack.statusCounts();
    await stack.stop();
    stackStopped = true;
    await db.pool.end();
    const reopened = createPool({ connectionString: db.url });
    try {
      const { rows } = await reopened.query<{ status: string; count: number }>("SELECT status, count(*)::int AS count FROM payments GROUP BY status");
      expect(Object.fromEntries(rows.map((row) => [row.status, row.count]))).toEqual(before);
    } finally {
      await reopened.end();
    }
  });
});
