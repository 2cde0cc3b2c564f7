import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { createPool, loadMigrations, migrate, type Pool } from "@payq/shared";

/** The server tests create their databases on: the shared Postgres unless told otherwise. */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const TEST_DB_PREFIX = "payq_test_";

function urlFor(database: string, adminUrl = TEST_PG_ADMIN_URL): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>, adminUrl = TEST_PG_ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A migrated template, named by the migrations' content so a schema change makes a new one. */
export async function templateDatabaseName(): Promise<string> {
  const hash = createHash("sha256");
  for (const migration of await loadMigrations()) hash.update(migration.sql);
  return `payq_template_${hash.digest("hex").slice(0, 12)}`;
}

/** Builds the template once per schema (global setup), and drops databases earlier runs left behind. */
export async function prepareTestDatabases(): Promise<void> {
  const template = await templateDatabaseName();
  await migrate(urlFor(template));
  await admin(async (client) => {
    const stale = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 OR (datname LIKE 'payq_template_%' AND datname <> $2)",
      [`${TEST_DB_PREFIX}%`, template],
    );
    for (const { datname } of stale.rows) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  });
}

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own, copied from the template in milliseconds. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DB_PREFIX}${randomBytes(6).toString("hex")}`;
  const template = await templateDatabaseName();
  // Two copies of one template cannot start at the same instant (55006 object_in_use): take turns.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin((client) =>
        client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`),
      );
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  const url = urlFor(name);
  const pool = createPool({ connectionString: url, max: 5, applicationName: "payq-test" });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}
