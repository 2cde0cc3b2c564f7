/**
 * Raw BullMQ's worker for the baseline: a no-op processor, in a process of its own like payq's workers,
 * with the same connection settings and concurrency. Runs until SIGTERM.
 */
import { Worker } from "bullmq";
import { createRedis } from "@payq/shared";

const connection = createRedis(process.env.REDIS_URL!, "blocking");
const worker = new Worker(process.env.QUEUE_NAME!, () => Promise.resolve(), {
  connection,
  prefix: process.env.QUEUE_PREFIX!,
  concurrency: Number(process.env.WORKER_CONCURRENCY),
});
await worker.waitUntilReady();
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void worker.close().then(() => {
    connection.disconnect();
    process.exit(0);
  });
});
