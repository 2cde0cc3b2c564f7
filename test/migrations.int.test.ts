import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { loadMigrations, migrate } from "@payq/shared";
import { testPgAdminUrl } from "@payq/testing";

const name = `payq_test_migrate_${randomBytes(4).toString("hex")}`;
const url = Object.assign(new URL(testPgAdminUrl()), { pathname: `/${name}` }).toString();

describe("migrations", () => {
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: testPgAdminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("creates the database, and two migrators racing apply each migration once", async () => {
    const all = (await loadMigrations()).map((m) => m.name);
    const [first, second] = await Promise.all([migrate(url), migrate(url)]);
    expect([...first, ...second].sort()).toEqual([...all].sort());

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>("SELECT name FROM payq_migrations ORDER BY id");
    await client.end();
    expect(rows.map((r) => r.name)).toEqual(all);
    expect(await migrate(url)).toEqual([]);
  });
});
