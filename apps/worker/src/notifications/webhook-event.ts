import { paymentView, type Payment } from "@payq/shared";

/** The event a merchant receives for a settled payment. Its id is stable, so merchants can dedupe. */
export function webhookEvent(payment: Payment) {
  return {
    id: `evt_${payment.id}`,
    type: `payment.${payment.status}`,
    createdAt: (payment.settledAt ?? payment.updatedAt).toISOString(),
    data: paymentView(payment),
  };
}
