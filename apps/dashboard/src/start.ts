import { Registry, collectDefaultMetrics } from "prom-client";
import { boundPort, closeServer, connectRedis, listen, type Logger, type RunningApp } from "@payq/runtime";
import { closeQueues, createQueues } from "@payq/shared";
import { createDashboardApp } from "./app.ts";
import { sessions } from "./auth/session.ts";
import { UserDirectory } from "./auth/users.ts";
import type { DashboardEnv } from "./env.ts";

/** Connects to Redis, then serves the dashboard until stopped. */
export async function startDashboard(env: DashboardEnv, logger: Logger): Promise<RunningApp> {
  const users = UserDirectory.parse(env.PAYQ_DASHBOARD_USERS);
  const redis = await connectRedis(env.REDIS_URL, "blocking", logger);
  const queues = createQueues(redis, env.QUEUE_PREFIX);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "payq_dashboard_" });
  const app = createDashboardApp({
    queues,
    users,
    logger,
    registry,
    sessions: sessions({ redis, prefix: env.QUEUE_PREFIX, secret: env.SESSION_SECRET, secure: env.SECURE_COOKIES }),
    readiness: [["redis", () => redis.ping()]],
  });
  const server = await listen(app, env.DASHBOARD_PORT, env.HOST);
  return {
    port: boundPort(server),
    async stop() {
      await closeServer(server);
      await closeQueues(queues);
      redis.disconnect();
    },
  };
}
