import type { Queue, Worker } from "bullmq";
import type { Logger } from "@payq/runtime";
import type { WorkerMetrics } from "./metrics.ts";

export interface LivenessOptions {
  /** The queue the watched worker consumes. */
  queue: Queue;
  /** Builds a worker with the same processor and options; called once at start and once per recreation. */
  create: () => Worker;
  /** How long waiting work may go untouched by this worker before it is recreated. */
  stallMs: number;
  checkEveryMs: number;
  /** How long a stuck worker's forced close may take before it is abandoned. */
  closeTimeoutMs?: number;
  logger: Logger;
  metrics: Pick<WorkerMetrics, "fetchStall" | "workerRecreated">;
}

export interface WatchedWorker {
  /** The worker in service now (a different object after each recreation). */
  current(): Worker;
  /** Stops watching and closes the current worker, letting its jobs finish. */
  close(): Promise<void>;
}

/**
 * Watches for a known BullMQ failure: after a Redis reconnect a worker can stay connected yet never fetch
 * again. When jobs wait, the queue is neither paused nor held by a rate limit (an open breaker holds it
 * that way on purpose), and this worker has started or finished no job for `stallMs`, it is closed by
 * force and replaced. Jobs it still held are recovered by BullMQ's stalled-job check.
 */
export function watchWorkerLiveness(options: LivenessOptions): WatchedWorker {
  const { queue, logger, metrics } = options;
  let worker = track(options.create());
  let lastProgressAt = Date.now();
  let closing = false;

  function track(next: Worker): Worker {
    const progressed = () => (lastProgressAt = Date.now());
    next.on("active", progressed).on("completed", progressed).on("failed", progressed);
    return next;
  }

  /** True when jobs are waiting that this worker could and should be taking. */
  async function workIsWaiting(): Promise<boolean> {
    const [counts, paused, rateLimitTtl] = await Promise.all([
      queue.getJobCounts("waiting"),
      queue.isPaused(),
      queue.getRateLimitTtl(),
    ]);
    return (counts.waiting ?? 0) > 0 && !paused && rateLimitTtl <= 0 && !worker.isPaused();
  }

  async function recreate(stalledMs: number): Promise<void> {
    logger.warn({ queue: queue.name, stalledMs }, "worker fetched nothing while jobs waited; recreating it");
    metrics.workerRecreated.inc({ queue: queue.name });
    const stuck = worker;
    worker = track(options.create());
    lastProgressAt = Date.now();
    // A wedged connection can make even a forced close hang; the replacement must not wait on it.
    const timeoutMs = options.closeTimeoutMs ?? 5_000;
    await Promise.race([stuck.close(true), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]).catch(
      (error: unknown) => logger.warn({ err: error, queue: queue.name }, "closing the stuck worker failed"),
    );
  }

  async function check(): Promise<void> {
    if (!(await workIsWaiting())) {
      lastProgressAt = Date.now();
      metrics.fetchStall.set({ queue: queue.name }, 0);
      return;
    }
    const stalledMs = Date.now() - lastProgressAt;
    metrics.fetchStall.set({ queue: queue.name }, stalledMs / 1000);
    if (stalledMs >= options.stallMs) await recreate(stalledMs);
  }

  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => (closing ? undefined : check()))
      // Redis being away is the sweeper's and readiness' business; the next tick tries again.
      .catch(() => undefined);
  }, options.checkEveryMs);
  timer.unref();

  return {
    current: () => worker,
    async close() {
      closing = true;
      clearInterval(timer);
      await running;
      await worker.close();
    },
  };
}
