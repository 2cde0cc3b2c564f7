import {
  boundPort,
  closeServer,
  connectPostgres,
  connectRedis,
  listen,
  retryPolicyFromEnv,
  type Logger,
  type RunningApp,
} from "@payq/runtime";
import { closeQueues, createQueues, redisUrlFrom } from "@payq/shared";
import { ApiKeyring } from "./api-keys.ts";
import { createProducerApp } from "./app.ts";
import type { ProducerEnv } from "./env.ts";
import { createProducerMetrics } from "./metrics.ts";
import { merchantRateLimit } from "./rate-limiter.ts";

/** Connects to Postgres and Redis, then serves the producer API until stopped. */
export async function startProducer(env: ProducerEnv, logger: Logger): Promise<RunningApp> {
  const apiKeys = ApiKeyring.parse(env.PAYQ_API_KEYS);
  const pool = await connectPostgres(env.DATABASE_URL, { max: env.PG_POOL_SIZE, applicationName: "payq-producer" });
  const redis = await connectRedis(redisUrlFrom(env), "fail-fast", logger).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  const queues = createQueues(redis, env.QUEUE_PREFIX);
  const app = createProducerApp({
    pool,
    paymentsQueue: queues.payments,
    apiKeys,
    rateLimit: merchantRateLimit(redis, {
      prefix: env.QUEUE_PREFIX,
      perSecond: env.API_RATE_LIMIT_PER_SECOND,
      burst: env.API_RATE_LIMIT_BURST,
    }),
    logger,
    metrics: createProducerMetrics(),
    readiness: [
      ["postgres", () => pool.query("SELECT 1")],
      ["redis", () => redis.ping()],
    ],
    limits: { maxAmount: env.MAX_PAYMENT_AMOUNT },
    retryPolicy: retryPolicyFromEnv(env),
    idempotencyKeyTtlMs: env.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000,
    enqueueTimeoutMs: 2_000,
    callbackTargets: { allowlist: env.WEBHOOK_ALLOWED_HOSTS },
  });
  const server = await listen(app, env.PRODUCER_PORT, env.HOST);
  return {
    port: boundPort(server),
    async stop() {
      await closeServer(server);
      await closeQueues(queues);
      redis.disconnect();
      await pool.end();
    },
  };
}
