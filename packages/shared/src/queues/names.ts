/** Every payq queue. Key names all derive from these and the prefix, in one place. */
export const QUEUE_NAMES = {
  payments: "payments",
  notifications: "notifications",
  paymentsDeadLetter: "payments-dead-letter",
  notificationsDeadLetter: "notifications-dead-letter",
} as const;

export type QueueRole = keyof typeof QUEUE_NAMES;

/**
 * A queue's BullMQ prefix: the deployment's prefix and the queue's name in one hash tag
 * (`{payq:payments}:payments:wait`). BullMQ's scripts touch many keys of a queue at once, which Redis
 * Cluster allows only within one slot; one tag per queue keeps each queue whole while different queues
 * spread over the cluster's primaries. A single Redis ignores the braces.
 */
export function queuePrefix(prefix: string, role: QueueRole): string {
  return `{${prefix}:${QUEUE_NAMES[role]}}`;
}

/** The BullMQ backoff type whose delays come from payq's retry policy (see `retryDelayMs`). */
export const PAYQ_BACKOFF = "payq";

export interface PaymentJobData {
  paymentId: string;
  /** The payment's run when the job was made; a failed job of an older run is stale. */
  run: number;
}

export interface NotificationJobData {
  paymentId: string;
}
