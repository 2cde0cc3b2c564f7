/** Where a payment stands. `accepted` covers queued, retrying and waiting; the others are terminal. */
export const PAYMENT_STATUSES = ["accepted", "succeeded", "declined", "dead_lettered"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export function isTerminal(status: PaymentStatus): boolean {
  switch (status) {
    case "accepted":
      return false;
    case "succeeded":
    case "declined":
    case "dead_lettered":
      return true;
  }
}

/** The last durable step. Work resumes after it, so a captured payment is never charged again. */
export type RecoveryPoint = "started" | "charge_captured" | "ledger_posted";

export const PIPELINE_STEPS = ["validate", "charge", "ledger", "notify"] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

export type NotificationStatus = "pending" | "delivered" | "dead_lettered";

export interface Payment {
  id: string;
  merchantId: string;
  amount: number;
  currency: string;
  source: string;
  description: string | null;
  callbackUrl: string | null;
  metadata: Record<string, string>;
  status: PaymentStatus;
  recoveryPoint: RecoveryPoint;
  chargeId: string | null;
  declineCode: string | null;
  attempts: number;
  run: number;
  notificationStatus: NotificationStatus | null;
  createdAt: Date;
  updatedAt: Date;
  settledAt: Date | null;
}

/** A `payments` row as Postgres returns it. */
export interface PaymentRow {
  id: string;
  merchant_id: string;
  amount: number;
  currency: string;
  source: string;
  description: string | null;
  callback_url: string | null;
  metadata: Record<string, string>;
  status: PaymentStatus;
  recovery_point: RecoveryPoint;
  charge_id: string | null;
  decline_code: string | null;
  attempts: number;
  run: number;
  notification_status: NotificationStatus | null;
  created_at: Date;
  updated_at: Date;
  settled_at: Date | null;
}

export function paymentFromRow(row: PaymentRow): Payment {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    amount: row.amount,
    currency: row.currency,
    source: row.source,
    description: row.description,
    callbackUrl: row.callback_url,
    metadata: row.metadata,
    status: row.status,
    recoveryPoint: row.recovery_point,
    chargeId: row.charge_id,
    declineCode: row.decline_code,
    attempts: row.attempts,
    run: row.run,
    notificationStatus: row.notification_status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    settledAt: row.settled_at,
  };
}

/** The step a payment's pipeline resumes at, given its last durable step. */
export function resumeStep(point: RecoveryPoint): PipelineStep {
  switch (point) {
    case "started":
      return "validate";
    case "charge_captured":
      return "ledger";
    case "ledger_posted":
      return "notify";
  }
}
