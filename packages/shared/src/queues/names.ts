/** Every payq queue. Key names all derive from these and the prefix, in one place. */
export const QUEUE_NAMES = {
  payments: "payments",
  notifications: "notifications",
  paymentsDeadLetter: "payments-dead-letter",
  notificationsDeadLetter: "notifications-dead-letter",
} as const;

export type QueueRole = keyof typeof QUEUE_NAMES;

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
