import { Queue, type JobsOptions } from "bullmq";
import type { RetryPolicy } from "../retry/retry-policy.ts";
import { PAYQ_BACKOFF, QUEUE_NAMES, queuePrefix, type PaymentJobData, type QueueRole } from "./names.ts";
import type { RedisClient } from "./redis.ts";

export type PayqQueues = Record<QueueRole, Queue>;

/**
 * The queues of one payq deployment, sharing one connection and the deployment's prefix, each queue in a
 * hash tag of its own (`queuePrefix`). A queue's "error" events
 * are its connection's errors, which whoever owns the connection reports (see `connectRedis`); without
 * a listener BullMQ would print each reconnect attempt to stderr.
 */
export function createQueues(connection: RedisClient, prefix: string): PayqQueues {
  const make = (role: QueueRole) =>
    new Queue(QUEUE_NAMES[role], { connection, prefix: queuePrefix(prefix, role) }).on("error", () => undefined);
  return {
    payments: make("payments"),
    notifications: make("notifications"),
    paymentsDeadLetter: make("paymentsDeadLetter"),
    notificationsDeadLetter: make("notificationsDeadLetter"),
  };
}

export async function closeQueues(queues: PayqQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

const DAY_S = 86_400;

/**
 * Options of every pipeline job. Postgres is the record, so Redis keeps finished jobs only for the
 * dashboard's benefit; failed ones stay longer, because the sweeper reads them.
 */
export function pipelineJobOptions(jobId: string, policy: Pick<RetryPolicy, "maxAttempts">): JobsOptions {
  return {
    jobId,
    attempts: policy.maxAttempts,
    backoff: { type: PAYQ_BACKOFF },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 7 * DAY_S },
  };
}

/** Queues a payment's pipeline job. The job id is the payment id, so a second add is a no-op. */
export async function enqueuePayment(
  queue: Queue,
  payment: PaymentJobData,
  policy: Pick<RetryPolicy, "maxAttempts">,
): Promise<void> {
  await queue.add("payment", payment, pipelineJobOptions(payment.paymentId, policy));
}
