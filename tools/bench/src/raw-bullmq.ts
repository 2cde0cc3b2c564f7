import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Queue, type Job } from "bullmq";
import { pipelineJobOptions, type RedisClient } from "@payq/shared";
import { spawnApp, waitFor, type AppProcess } from "@payq/testing";
import { drive } from "./pace.ts";
import { queueIdle } from "./queue-idle.ts";

const RAW_WORKER = fileURLToPath(new URL("./raw-worker.ts", import.meta.url));
const QUEUE_NAME = "raw-bench";

/** Raw BullMQ on the same Redis: `add` with payq's job data and options, no-op workers in their own processes. */
export class RawBullmq {
  private constructor(
    private readonly queue: Queue,
    private readonly workers: AppProcess[],
    /** Its key prefix, a hash tag of its own. */
    readonly prefix: string,
  ) {}

  static async start(redis: RedisClient, redisUrl: string, workers: number, concurrency: number): Promise<RawBullmq> {
    // A hash tag, as BullMQ needs on a cluster; a single Redis ignores it.
    const prefix = `{raw-${randomUUID().slice(0, 8)}}`;
    const processes = Array.from({ length: workers }, () =>
      spawnApp("worker", { REDIS_URL: redisUrl, QUEUE_NAME, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: String(concurrency) }, { main: RAW_WORKER }),
    );
    await Promise.all(processes.map((p) => waitFor(() => p.output().includes("ready"), { timeoutMs: 30_000, message: "raw worker did not start" })));
    return new RawBullmq(new Queue(QUEUE_NAME, { connection: redis, prefix }), processes, prefix);
  }

  pids(): number[] {
    return this.workers.flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid]));
  }

  /** Adds `count` jobs (at most `inFlight` adds outstanding, or at `rate` per second) and waits until all are done. */
  async run(count: number, options: { inFlight: number; rate?: number }): Promise<{ startedAt: number; finishedAt: number; latenciesMs: number[] }> {
    const startedAt = Date.now();
    await drive(count, options, () => {
      const id = randomUUID();
      return this.queue.add("payment", { paymentId: id, run: 0 }, pipelineJobOptions(id, { maxAttempts: 6 }));
    });
    await waitFor(() => queueIdle(this.queue), { timeoutMs: 600_000, intervalMs: 20 });
    const done = await this.completed(Math.min(count, 10_000));
    const finishedAt = Math.max(...done.map((job) => job.finishedOn ?? 0));
    return { startedAt, finishedAt, latenciesMs: done.map((job) => (job.finishedOn ?? 0) - job.timestamp) };
  }

  private async completed(limit: number): Promise<Job[]> {
    const jobs: Job[] = [];
    for (let start = 0; start < limit; start += 1000) jobs.push(...(await this.queue.getJobs(["completed"], start, Math.min(limit, start + 1000) - 1)));
    return jobs;
  }

  async clear(): Promise<void> {
    await this.queue.clean(0, 1_000_000, "completed");
  }

  async stop(): Promise<void> {
    await this.queue.close();
    for (const worker of this.workers) worker.child.kill("SIGTERM");
    await Promise.all(this.workers.map((w) => w.exited));
  }
}
