import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "@payq/runtime";
import { QUEUE_NAMES, type NotificationJobData, type PaymentJobData } from "@payq/shared";
import { notificationProcessor, type NotificationDeps } from "./notifications/process-notification.ts";
import { payqBackoff } from "./pipeline/backoff.ts";
import type { PipelineDeps } from "./pipeline/pipeline-deps.ts";
import { paymentProcessor } from "./pipeline/process-payment.ts";

/**
 * A limiter no real throughput reaches. BullMQ only honours `queue.rateLimit()` (how an open breaker
 * pauses the queue) for workers that have a limiter configured.
 */
const BREAKER_AWARE_LIMITER = { max: 1_000_000_000, duration: 1_000 };

export interface WorkerSettings {
  connection: Redis;
  prefix: string;
  concurrency: number;
  notifyConcurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

/** The BullMQ workers of one process: payments, and the webhooks they owe. */
export function startWorkers(settings: WorkerSettings, pipeline: PipelineDeps, notify: NotificationDeps): Worker[] {
  const common = {
    connection: settings.connection,
    prefix: settings.prefix,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
  };
  const payments = new Worker<PaymentJobData>(QUEUE_NAMES.payments, paymentProcessor(pipeline), {
    ...common,
    concurrency: settings.concurrency,
    limiter: BREAKER_AWARE_LIMITER,
    settings: { backoffStrategy: payqBackoff(pipeline.retryPolicy) },
  });
  const notifications = new Worker<NotificationJobData>(QUEUE_NAMES.notifications, notificationProcessor(notify), {
    ...common,
    concurrency: settings.notifyConcurrency,
    settings: { backoffStrategy: payqBackoff(pipeline.notifyPolicy) },
  });
  for (const worker of [payments, notifications]) logErrors(worker, pipeline.logger);
  return [payments, notifications];
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
