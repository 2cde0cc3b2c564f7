import type { RedisClient } from "@payq/shared";
import type { Logger } from "@payq/runtime";
import type { PayqQueues, Pool, RetryPolicy } from "@payq/shared";
import type { WorkerMetrics } from "../metrics.ts";
import type { WorkerSeams } from "../seams.ts";

export interface SweeperDeps {
  pool: Pool;
  queues: PayqQueues;
  redis: RedisClient;
  logger: Logger;
  metrics: WorkerMetrics;
  retryPolicy: RetryPolicy;
  notifyPolicy: RetryPolicy;
  /** Work untouched this long is checked; anything younger may still be in flight and is left alone. */
  staleAfterMs: number;
  repairOpenPayment: WorkerSeams["repairOpenPayment"];
}

/** Rows a sweep looks at per pass: bounded, so a backlog is worked through over several passes. */
export const SWEEP_BATCH = 500;

/** BullMQ states in which a job is still going to run: the sweeper must never duplicate it. */
export const LIVE_JOB_STATES = new Set(["waiting", "delayed", "active", "prioritized", "waiting-children", "paused"]);
