import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { RetryPolicy } from "../retry/retry-policy.ts";
import { PAYQ_BACKOFF, QUEUE_NAMES, type PaymentJobData, type QueueRole } from "./names.ts";

export type PayqQueues = Record<QueueRole, Queue>;

/**
 * The queues of one payq deployment, sharing one connection and key prefix. A queue's "error" events
 * are its connection's errors, which whoever owns the connection reports (see `connectRedis`); without
 * a listener BullMQ would print each reconnect attempt to stderr.
 */
export function createQueues(connection: Redis, prefix: string): PayqQueues {
  const make = (role: QueueRole) => new Queue(QUEUE_NAMES[role], { connection, prefix }).on("error", () => undefined);
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
