import { postgresAnswers, redisAnswers } from "@payq/shared";
import { testPgAdminUrl } from "./database.ts";
import { startPostgresServer } from "./postgres-server.ts";
import { startRedisServer } from "./redis-server.ts";

export interface TestServices {
  /** What was started here, for the run's summary; empty when the machine's own services answered. */
  started: string[];
  stop(): Promise<void>;
}

/** The Redis the suite's tests share (each with a queue prefix of its own). Read when asked, not at import. */
export const testRedisUrl = (): string => process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * The Postgres and Redis the suite shares: the machine's own when they answer, otherwise private ones
 * started here (from the PostgreSQL server binaries and redis-server installed), announced to the test
 * processes through TEST_PG_ADMIN_URL and TEST_REDIS_URL. So `pnpm test` needs the programs installed,
 * not the services running.
 */
export async function ensureTestServices(): Promise<TestServices> {
  const stops: (() => Promise<void>)[] = [];
  const started: string[] = [];
  const stop = async () => {
    for (const one of stops.reverse()) await one();
  };
  try {
    if (!(await postgresAnswers(testPgAdminUrl()))) {
      const postgres = await startPostgresServer();
      stops.push(() => postgres.stop());
      process.env.TEST_PG_ADMIN_URL = postgres.adminUrl;
      started.push(`PostgreSQL on port ${postgres.port}`);
    }
    if (!(await redisAnswers(testRedisUrl()))) {
      const redis = await startRedisServer();
      stops.push(() => redis.stop());
      process.env.TEST_REDIS_URL = redis.url;
      started.push(`Redis on port ${redis.port}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { started, stop };
}
