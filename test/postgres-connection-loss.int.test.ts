import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@payq/shared";
import { createTestDatabase, type TestDatabase } from "@payq/testing";

describe("a Postgres connection lost mid-transaction", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  // Found by the chaos harness: a producer crashed on an unhandled "error" event when Postgres
  // restarted while it held a client. Vitest fails the run on any uncaught error, so this test would too.
  it("fails the work in hand, never the process, and the pool carries on", async () => {
    const pool = createPool({ connectionString: db.url, max: 2 });
    const client = await pool.connect();
    await client.query("BEGIN");
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await db.pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(client.query("SELECT 1")).rejects.toThrow();
    client.release(true);
    const again = await pool.query<{ one: number }>("SELECT 1 AS one");
    expect(again.rows[0]!.one).toBe(1);
    await pool.end();
  });
});
