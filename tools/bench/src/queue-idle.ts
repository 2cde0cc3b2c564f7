import type { Queue } from "bullmq";

/** Nothing waiting, running or due later. */
export async function queueIdle(queue: Queue): Promise<boolean> {
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
  return Object.values(counts).every((n) => n === 0);
}
