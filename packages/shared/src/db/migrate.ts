import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { withTransaction } from "./transaction.ts";
import { isEmbeddedUrl } from "./embedded-pool.ts";
import { createPool } from "./pool.ts";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));
/** Serialises migrators: any two racing take turns, and the second finds nothing left to do. */
const MIGRATION_LOCK_KEY = 0x70617971; // "payq"
const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((name) => MIGRATION_FILE.test(name)).sort();
  return Promise.all(
    files.map(async (name, index) => {
      const id = Number(MIGRATION_FILE.exec(name)?.[1]);
      if (id !== index + 1) throw new Error(`migration ${name} is out of sequence: expected ${index + 1}`);
      return { id, name, sql: await readFile(`${dir}/${name}`, "utf8") };
    }),
  );
}

/** Creates the database named in `connectionString` if it does not exist yet. */
export async function ensureDatabase(connectionString: string): Promise<void> {
  const url = new URL(connectionString);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!database) throw new Error("DATABASE_URL names no database");
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
      // 42P04 duplicate_database, 23505 unique_violation: another migrator created it first.
      if (error.code !== "42P04" && error.code !== "23505") throw error;
    });
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations, each in its own transaction that records its id first.
 * Returns the names of the migrations this call applied.
 */
export async function migrate(connectionString: string): Promise<string[]> {
  // The embedded database is its directory: there is no server to create it on.
  if (!isEmbeddedUrl(connectionString)) await ensureDatabase(connectionString);
  const migrations = await loadMigrations();
  const pool = createPool({ connectionString, max: 1, applicationName: "payq-migrate" });
  const applied: string[] = [];
  try {
    for (const migration of migrations) {
      const ran = await withTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
        await client.query(
          `CREATE TABLE IF NOT EXISTS payq_migrations (
             id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const inserted = await client.query(
          "INSERT INTO payq_migrations (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
          [migration.id, migration.name],
        );
        if (!inserted.rowCount) return false;
        await client.query(migration.sql);
        return true;
      });
      if (ran) applied.push(migration.name);
    }
  } finally {
    await pool.end();
  }
  return applied;
}
