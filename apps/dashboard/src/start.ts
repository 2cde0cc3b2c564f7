import { Registry, collectDefaultMetrics } from "prom-client";
import {
  boundPort,
  breakerOptionsFromEnv,
  closeServer,
  ConfigError,
  connectPostgres,
  connectRedis,
  isProduction,
  listen,
  retryPolicyFromEnv,
  type Logger,
  type RunningApp,
} from "@payq/runtime";
import { closeQueues, createQueues, FleetBreakers, redisUrlFrom } from "@payq/shared";
import { createDashboardApp } from "./app.ts";
import { LoginThrottle } from "./auth/login-throttle.ts";
import { sessions } from "./auth/session.ts";
import { UserDirectory } from "./auth/users.ts";
import { Replays } from "./console/replays.ts";
import { PUBLIC_PASSWORDS, type DashboardEnv } from "./env.ts";

const MINUTE_MS = 60_000;

/** In production, no user may sign in with no password or a development one, whatever its hash. */
async function refuseGuessablePasswords(users: UserDirectory): Promise<void> {
  const weak = await users.namesWithPassword(PUBLIC_PASSWORDS);
  if (weak.length === 0) return;
  throw new ConfigError(
    `PAYQ_DASHBOARD_USERS: ${weak.join(", ")} ha${weak.length === 1 ? "s" : "ve"} an empty or development password; ` +
      "NODE_ENV=production needs new ones (`pnpm payq hash-password`)",
  );
}

/** Connects to Postgres and Redis, then serves the dashboard until stopped. */
export async function startDashboard(env: DashboardEnv, logger: Logger): Promise<RunningApp> {
  const users = UserDirectory.parse(env.PAYQ_DASHBOARD_USERS);
  if (isProduction(env)) await refuseGuessablePasswords(users);
  const pool = await connectPostgres(env.DATABASE_URL, { max: env.PG_POOL_SIZE, applicationName: "payq-dashboard" });
  const redis = await connectRedis(redisUrlFrom(env), "blocking", logger).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  const queues = createQueues(redis, env.QUEUE_PREFIX);
  const retryPolicy = retryPolicyFromEnv(env);
  const replays = new Replays({ pool, queues, retryPolicy, logger });
  await replays.recover();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "payq_dashboard_" });

  const app = createDashboardApp({
    pool,
    queues,
    users,
    logger,
    registry,
    replays,
    breakers: new FleetBreakers(redis, env.QUEUE_PREFIX, breakerOptionsFromEnv(env)),
    throttle: new LoginThrottle(redis, env.QUEUE_PREFIX),
    trustProxy: env.TRUST_PROXY,
    https: env.SECURE_COOKIES,
    sessions: sessions({ redis, prefix: env.QUEUE_PREFIX, secret: env.SESSION_SECRET, secure: env.SECURE_COOKIES }),
    readiness: [
      ["postgres", () => pool.query("SELECT 1")],
      ["redis", () => redis.ping()],
    ],
    thresholds: {
      dlqDepth: env.ALERT_DLQ_DEPTH,
      dlqAgeMs: env.ALERT_DLQ_AGE_MINUTES * MINUTE_MS,
      breakerOpenMs: env.ALERT_BREAKER_OPEN_MINUTES * MINUTE_MS,
    },
    defaultReplayRate: env.REPLAY_DEFAULT_RATE,
  });
  const server = await listen(app, env.DASHBOARD_PORT, env.HOST);
  return {
    port: boundPort(server),
    async stop() {
      await closeServer(server);
      await replays.stop();
      await closeQueues(queues);
      redis.disconnect();
      await pool.end();
    },
  };
}
