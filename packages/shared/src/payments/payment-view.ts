import type { Payment } from "./payment.ts";

/**
 * A payment as merchants see it, in API responses and webhooks alike. Internal bookkeeping (run,
 * recovery point, attempts) stays inside.
 */
export function paymentView(payment: Payment) {
  return {
    id: payment.id,
    object: "payment",
    amount: payment.amount,
    currency: payment.currency,
    status: payment.status,
    source: payment.source,
    description: payment.description,
    callbackUrl: payment.callbackUrl,
    metadata: payment.metadata,
    chargeId: payment.chargeId,
    declineCode: payment.declineCode,
    createdAt: payment.createdAt.toISOString(),
    settledAt: payment.settledAt?.toISOString() ?? null,
  };
}

export type PaymentView = ReturnType<typeof paymentView>;
