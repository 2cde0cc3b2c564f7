import { Worker, type Queue } from "bullmq";
import type { Logger } from "@payq/runtime";
import { QUEUE_NAMES, queuePrefix, type NotificationJobData, type PaymentJobData, type RedisClient } from "@payq/shared";
import { notificationProcessor, type NotificationDeps } from "./notifications/process-notification.ts";
import { payqBackoff } from "./pipeline/backoff.ts";
import type { PipelineDeps } from "./pipeline/pipeline-deps.ts";
import { paymentProcessor } from "./pipeline/process-payment.ts";
import { watchWorkerLiveness, type WatchedWorker } from "./liveness.ts";

/**
 * A limiter no real throughput reaches. BullMQ only honours `queue.rateLimit()` (how an open breaker
 * pauses the queue) for workers that have a limiter configured.
 */
const BREAKER_AWARE_LIMITER = { max: 1_000_000_000, duration: 1_000 };

export interface WorkerSettings {
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  notifyConcurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /** Waiting payments untouched this long mean the payments worker is wedged and is recreated. */
  livenessStallMs: number;
}

export interface RunningWorkers {
  payments: WatchedWorker;
  notifications: WatchedWorker;
}

/**
 * The BullMQ workers of one process: payments, and the webhooks they owe. Each is watched for the wedged
 * fetch loop a Redis reconnect can leave behind, and replaced if it wedges.
 */
export function startWorkers(settings: WorkerSettings, pipeline: PipelineDeps, notify: NotificationDeps): RunningWorkers {
  const common = {
    connection: settings.connection,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
  };
  const watched = (queue: Queue, create: () => Worker) =>
    watchWorkerLiveness({
      queue,
      create: () => observed(create(), pipeline),
      stallMs: settings.livenessStallMs,
      checkEveryMs: Math.min(5_000, Math.max(250, Math.floor(settings.livenessStallMs / 4))),
      logger: pipeline.logger,
      metrics: pipeline.metrics,
    });
  const payments = watched(
    pipeline.queues.payments,
    () =>
      new Worker<PaymentJobData>(QUEUE_NAMES.payments, paymentProcessor(pipeline), {
        ...common,
        prefix: queuePrefix(settings.prefix, "payments"),
        concurrency: settings.concurrency,
        limiter: BREAKER_AWARE_LIMITER,
        settings: { backoffStrategy: payqBackoff(pipeline.retryPolicy) },
      }),
  );
  const notifications = watched(
    pipeline.queues.notifications,
    () =>
      new Worker<NotificationJobData>(QUEUE_NAMES.notifications, notificationProcessor(notify), {
        ...common,
        prefix: queuePrefix(settings.prefix, "notifications"),
        concurrency: settings.notifyConcurrency,
        settings: { backoffStrategy: payqBackoff(pipeline.notifyPolicy) },
      }),
  );
  return { payments, notifications };
}

function observed<T extends Worker>(worker: T, pipeline: PipelineDeps): T {
  logErrors(worker, pipeline.logger);
  worker.on("stalled", () => pipeline.metrics.stalledJobs.inc({ queue: worker.name }));
  return worker;
}

function logErrors(worker: Worker, logger: Logger): void {
  // Without a listener, an "error" event would crash the process; with Redis gone these repeat, so once per outage.
  let reported = false;
  worker.on("error", (error) => {
    if (!reported) logger.warn({ err: { message: error.message }, queue: worker.name }, "worker error");
    reported = true;
  });
  worker.on("ready", () => (reported = false));
}
