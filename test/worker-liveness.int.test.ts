import { randomBytes } from "node:crypto";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeQueues, createQueues, QUEUE_NAMES, queuePrefix, type PayqQueues } from "@payq/shared";
import { startTcpProxy, waitFor, type TcpProxy } from "@payq/testing";
import { createWorkerMetrics, watchWorkerLiveness, type WatchedWorker, type WorkerMetrics } from "@payq/worker";
import { SHARED_REDIS_URL, testLogger } from "./support/stack.ts";

const STALL_MS = 2_000;
const JOBS = 5;

/**
 * The liveness watchdog on real BullMQ workers and real Redis. A worker wedged "connected but not
 * fetching" is made by black-holing its connections with a TCP proxy: its blocking fetch never returns,
 * as after the BullMQ reconnect bug, while the watchdog's own queue reads go straight to Redis.
 */
describe("worker liveness", () => {
  let redis: Redis;
  let queues: PayqQueues;
  let metrics: WorkerMetrics;
  let prefix: string;
  let proxy: TcpProxy;
  const connections: Redis[] = [];
  let watched: WatchedWorker | undefined;
  const processed = new Set<string>();

  beforeEach(async () => {
    prefix = `payq-test-${randomBytes(4).toString("hex")}`;
    redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix);
    metrics = createWorkerMetrics(queues);
    proxy = await startTcpProxy(Number(new URL(SHARED_REDIS_URL).port));
    processed.clear();
  });
  afterEach(async () => {
    await watched?.close();
    watched = undefined;
    await proxy.close();
    for (const connection of connections.splice(0)) connection.disconnect();
    await queues.payments.obliterate({ force: true });
    await closeQueues(queues);
    redis.disconnect();
  });

  /** A payments worker like the real one (same limiter, so it honours queue.rateLimit), on `url`. */
  function paymentsWorker(url: string): Worker {
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    connection.on("error", () => undefined);
    connections.push(connection);
    const worker = new Worker(
      QUEUE_NAMES.payments,
      (job) => {
        processed.add(job.id!);
        return Promise.resolve();
      },
      { connection, prefix: queuePrefix(prefix, "payments"), concurrency: 5, limiter: { max: 1_000_000_000, duration: 1_000 } },
    );
    worker.on("error", () => undefined);
    return worker;
  }

  function watch(create: () => Worker): WatchedWorker {
    watched = watchWorkerLiveness({
      queue: queues.payments,
      create,
      stallMs: STALL_MS,
      checkEveryMs: 200,
      closeTimeoutMs: 1_000,
      logger: testLogger,
      metrics,
    });
    return watched;
  }

  const recreations = async () => (await metrics.workerRecreated.get()).values.reduce((sum, v) => sum + v.value, 0);
  const addJobs = () => queues.payments.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: "charge", data: { i } })));

  it("recreates a worker that stopped fetching while jobs wait, and the jobs then run", async () => {
    let created = 0;
    const workers = watch(() => paymentsWorker(created++ === 0 ? `redis://127.0.0.1:${proxy.port}` : SHARED_REDIS_URL));
    await workers.current().waitUntilReady();
    const first = workers.current();
    // Let it settle into its blocking fetch, then swallow everything on its connections.
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.stall();
    await addJobs();

    await waitFor(() => processed.size === JOBS, { timeoutMs: STALL_MS * 5, message: "the waiting jobs never ran" });
    expect(created).toBe(2);
    expect(workers.current()).not.toBe(first);
    expect(await recreations()).toBe(1);
    expect(await queues.payments.getJobCounts("waiting", "active", "completed")).toEqual({ waiting: 0, active: 0, completed: JOBS });
    // Nothing waits any more, so the liveness gauge is back at zero.
    await waitFor(async () => (await metrics.fetchStall.get()).values.every((v) => v.value === 0), { timeoutMs: 2_000 });
  });

  it("leaves a worker alone while an open breaker holds the queue with a rate limit", async () => {
    let created = 0;
    const workers = watch(() => (created++, paymentsWorker(SHARED_REDIS_URL)));
    await workers.current().waitUntilReady();
    // Held well past the check below, so a slow moment between here and there cannot lift it early.
    await queues.payments.rateLimit(STALL_MS * 3);
    await addJobs();

    await new Promise((resolve) => setTimeout(resolve, STALL_MS * 1.5));
    expect(processed.size).toBe(0);
    expect(await queues.payments.getJobCounts("waiting")).toEqual({ waiting: JOBS });
    expect(created).toBe(1);
    expect(await recreations()).toBe(0);
    // When the hold lifts, the same worker takes them.
    await waitFor(() => processed.size === JOBS, { timeoutMs: STALL_MS * 3, message: "jobs did not run after the rate limit" });
    expect(created).toBe(1);
  });

  it("leaves a worker alone while the queue is paused", async () => {
    let created = 0;
    const workers = watch(() => (created++, paymentsWorker(SHARED_REDIS_URL)));
    await workers.current().waitUntilReady();
    await queues.payments.pause();
    await addJobs();

    await new Promise((resolve) => setTimeout(resolve, STALL_MS * 1.5));
    expect(processed.size).toBe(0);
    expect(created).toBe(1);
    expect(await recreations()).toBe(0);
    await queues.payments.resume();
    await waitFor(() => processed.size === JOBS, { timeoutMs: STALL_MS * 3, message: "jobs did not run after resume" });
    expect(created).toBe(1);
  });
});
