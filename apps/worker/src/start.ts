import express from "express";
import {
  boundPort,
  closeServer,
  connectPostgres,
  connectRedis,
  breakerOptionsFromEnv,
  listen,
  operationsRouter,
  retryPolicyFromEnv,
  type Logger,
  type RunningApp,
} from "@payq/runtime";
import { closeQueues, createQueues, createRedis, PaymentBatches, redisUrlFrom, waitForRedis } from "@payq/shared";
import { BankClient } from "./bank/bank-client.ts";
import { createBreakers } from "./breakers.ts";
import type { WorkerEnv } from "./env.ts";
import { createWorkerMetrics } from "./metrics.ts";
import { WebhookTargets } from "./notifications/webhook-targets.ts";
import { REAL_PARTS, type WorkerSeams } from "./seams.ts";
import { startSweeper, type Sweeper } from "./sweeper/sweeper.ts";
import { startWorkers } from "./workers.ts";

export interface RunningWorker extends RunningApp {
  sweeper: Sweeper;
}

/**
 * Connects, then runs the pipeline and webhook workers, the sweeper, and the ops endpoints until stopped.
 * `parts` exists for test builds that prove the checks catch a broken part; production passes nothing.
 */
export async function startWorker(env: WorkerEnv, logger: Logger, parts: WorkerSeams = REAL_PARTS): Promise<RunningWorker> {
  const pool = await connectPostgres(env.DATABASE_URL, { max: env.PG_POOL_SIZE, applicationName: "payq-worker" });
  const redis = await connectRedis(redisUrlFrom(env), "blocking", logger).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  const queues = createQueues(redis, env.QUEUE_PREFIX);
  // Concurrent jobs share round trips and commits; half the pool stays free for everything else.
  const store = new PaymentBatches(pool, { maxBatch: 100, maxInFlight: Math.max(1, Math.floor(env.PG_POOL_SIZE / 6)) });
  const metrics = createWorkerMetrics(queues);
  const bank = new BankClient(env.BANK_URL, env.BANK_TIMEOUT_MS, env.WORKER_CONCURRENCY, parts.chargeKey);
  // Breaker calls sit on every payment's path: their own fail-fast connection bounds how long a dead
  // Redis can stall one, and BREAKER_STORE_FAILURE_MODE decides what happens then.
  // Many jobs call the breakers at once: auto-pipelining sends a tick's calls in one write. (Not for
  // BullMQ's own connections, where it is known to misbehave.)
  const breakerRedis = createRedis(env.BREAKER_REDIS_URL ?? redisUrlFrom(env), "fail-fast", {
    commandTimeout: env.BREAKER_STORE_TIMEOUT_MS,
    enableAutoPipelining: true,
  });
  breakerRedis.on("error", () => undefined);
  await waitForRedis(breakerRedis).catch(() =>
    logger.warn({ failureMode: env.BREAKER_STORE_FAILURE_MODE }, "breaker store not reachable at start"),
  );
  const breakers = createBreakers(breakerRedis, env.QUEUE_PREFIX, breakerOptionsFromEnv(env), logger, metrics);
  const retryPolicy = retryPolicyFromEnv(env);
  const notifyPolicy = { ...retryPolicy, maxAttempts: env.NOTIFY_MAX_ATTEMPTS };
  const targets = new WebhookTargets({ allowlist: env.WEBHOOK_ALLOWED_HOSTS, lookup: parts.webhookLookup });

  const workers = startWorkers(
    {
      connection: redis,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      notifyConcurrency: env.NOTIFY_CONCURRENCY,
      lockDurationMs: env.LOCK_DURATION_MS,
      stalledIntervalMs: env.STALLED_INTERVAL_MS,
      maxStalledCount: env.MAX_STALLED_COUNT,
      livenessStallMs: env.WORKER_LIVENESS_STALL_MS,
    },
    {
      pool,
      store,
      queues,
      bank,
      breakers,
      logger,
      metrics,
      retryPolicy,
      notifyPolicy,
      deadlineMs: env.PAYMENT_DEADLINE_MS,
      // The sweeper re-queues open payments untouched for SWEEP_STALE_AFTER_MS that have no job; a job
      // that starts on an older payment marks it first, so a sweep never duplicates a charge in flight.
      touchAfterMs: env.SWEEP_STALE_AFTER_MS / 2,
    },
    { pool, store, queues, breakers, logger, metrics, webhookSecret: env.PAYQ_WEBHOOK_SECRET, timeoutMs: env.WEBHOOK_TIMEOUT_MS, targets },
  );
  const sweeper = startSweeper(
    { pool, queues, redis, logger, metrics, retryPolicy, notifyPolicy, staleAfterMs: env.SWEEP_STALE_AFTER_MS, repairOpenPayment: parts.repairOpenPayment },
    env.SWEEP_INTERVAL_MS,
  );
  const readiness: [string, () => Promise<unknown>][] = [
    ["postgres", () => pool.query("SELECT 1")],
    ["redis", () => redis.ping()],
  ];
  const server = await listen(express().use(operationsRouter(readiness, metrics.registry)), env.WORKER_PORT, env.HOST);

  return {
    port: boundPort(server),
    sweeper,
    async stop() {
      // Finish the jobs in hand first; anything cut off is re-run from its checkpoint by another worker.
      await Promise.all([workers.payments.close(), workers.notifications.close()]);
      await targets.close();
      await sweeper.stop();
      await closeServer(server);
      await closeQueues(queues);
      await bank.close();
      breakerRedis.disconnect();
      redis.disconnect();
      await pool.end();
    },
  };
}
