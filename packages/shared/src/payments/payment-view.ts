import { z } from "zod";
import { PAYMENT_STATUSES, type Payment } from "./payment.ts";

/**
 * A payment as merchants see it, in API responses and webhooks alike. Internal bookkeeping (run,
 * recovery point, attempts) stays inside. The schema is what the API description publishes, and it types
 * `paymentView`, so the published shape and the one sent cannot drift apart.
 */
export const paymentViewSchema = z.strictObject({
  id: z.uuid(),
  object: z.literal("payment"),
  amount: z.number().int().meta({ description: "minor units" }),
  currency: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  source: z.string(),
  description: z.string().nullable(),
  callbackUrl: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  chargeId: z.string().nullable(),
  declineCode: z.string().nullable(),
  createdAt: z.iso.datetime(),
  settledAt: z.iso.datetime().nullable(),
});

export type PaymentView = z.infer<typeof paymentViewSchema>;

export function paymentView(payment: Payment): PaymentView {
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
