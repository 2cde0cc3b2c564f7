import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createPool, embeddedUrl, isProcessAlive, loadMigrations, migrate, type Pool } from "@payq/shared";

/**
 * The server tests create their databases on: the shared Postgres unless told otherwise (or unless none
 * answers, and global setup started one: see `ensureTestServices`). Read when asked, not at import.
 */
export const testPgAdminUrl = (): string => process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const TEST_DB_PREFIX = "payq_test_";
const RUN_ENV = "PAYQ_TEST_RUN_PID";

/**
 * The test run a database belongs to: the pid of the `vitest run` that made it. Test files run in
 * forks of that process, which inherit the variable its global setup sets.
 */
const testRun = (): number => Number(process.env[RUN_ENV] ?? process.ppid);

function urlFor(database: string, adminUrl = testPgAdminUrl()): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>, adminUrl = testPgAdminUrl()): Promise<T> {
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

/**
 * Builds the template once per schema (global setup), and drops databases that runs which have ended
 * left behind. A run still going, in another checkout say, keeps its databases, and while any run is
 * going the old templates stay too: it may be copying one.
 */
export async function prepareTestDatabases(): Promise<void> {
  process.env[RUN_ENV] = String(process.pid);
  const template = await templateDatabaseName();
  await migrate(urlFor(template));
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'payq\\_%'");
    const owner = (name: string) => Number(/^payq_test_(\d+)_/.exec(name)?.[1]);
    const live = rows.filter(({ datname }) => datname.startsWith(TEST_DB_PREFIX) && isProcessAlive(owner(datname)) && owner(datname) !== process.pid);
    const stale = rows.filter(({ datname }) =>
      datname.startsWith(TEST_DB_PREFIX) ? !live.some((l) => l.datname === datname) : datname.startsWith("payq_template_") && datname !== template && live.length === 0,
    );
    for (const { datname } of stale) {
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
  const name = `${TEST_DB_PREFIX}${testRun()}_${randomBytes(6).toString("hex")}`;
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

/** A migrated embedded database (PGlite) in a temporary directory of its own, used in this process. */
export async function createEmbeddedTestDatabase(): Promise<TestDatabase> {
  const directory = await mkdtemp(join(tmpdir(), "payq-pglite-"));
  const url = embeddedUrl(directory);
  await migrate(url);
  const pool = createPool({ connectionString: url });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
