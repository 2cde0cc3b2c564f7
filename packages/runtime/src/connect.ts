import type { Logger } from "pino";
import { assertNoEviction, createPool, createRedis, waitForRedis, type Pool, type RedisClient, type RedisRole } from "@payq/shared";
import { maskUrl } from "./logger.ts";

/** Connects to Postgres and checks the schema is there, or fails with a sentence that says what to do. */
export async function connectPostgres(url: string, options: { max?: number; applicationName: string }): Promise<Pool> {
  const pool = createPool({ connectionString: url, ...options });
  let ready: boolean | undefined;
  try {
    const { rows } = await pool.query<{ ready: boolean }>("SELECT to_regclass('payments') IS NOT NULL AS ready");
    ready = rows[0]?.ready;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `cannot reach PostgreSQL at ${maskUrl(url)}: ${describe(error)}. ` +
        "Start PostgreSQL or point DATABASE_URL at it (postgres://user:password@host:5432/database).",
      { cause: error },
    );
  }
  if (!ready) {
    await pool.end();
    throw new Error(`PostgreSQL at ${maskUrl(url)} has no payq schema yet: run \`pnpm db:migrate\``);
  }
  return pool;
}

/**
 * Connects to Redis and checks it will never evict queue data, or fails with a sentence that says what
 * to do. Later connection errors are logged once per outage, not once per reconnect attempt.
 */
export async function connectRedis(url: string, role: RedisRole, logger: Logger): Promise<RedisClient> {
  const redis = createRedis(url, role);
  let down = false;
  let lastError: Error | undefined;
  redis.on("error", (error: Error) => {
    lastError = error;
    if (down) return;
    down = true;
    logger.warn({ err: { message: error.message }, redis: maskUrl(url) }, "Redis connection lost; reconnecting");
  });
  redis.on("ready", () => {
    if (down) logger.info({ redis: maskUrl(url) }, "Redis connection restored");
    down = false;
  });
  try {
    await waitForRedis(redis);
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `cannot reach Redis at ${maskUrl(url)}: ${describe(lastError ?? error)}. ` +
        "Start Redis (for example `redis-server --appendonly yes --maxmemory-policy noeviction`) or set REDIS_URL.",
      { cause: error },
    );
  }
  try {
    await assertNoEviction(redis);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describe(error.errors[0]);
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" && !message.includes(code) ? `${code} ${message}` : message;
}
