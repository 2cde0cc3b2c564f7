import { createPaymentSchema, StepFailure, type Payment } from "@payq/shared";

const schema = createPaymentSchema({ maxAmount: Number.MAX_SAFE_INTEGER });

/**
 * Step 1. A payment that can never be charged (it reached the database some other way than the API,
 * or rules changed since) is poison: it fails permanently before the bank is called.
 */
export function validatePayment(payment: Payment): void {
  const parsed = schema.safeParse({
    amount: payment.amount,
    currency: payment.currency,
    source: payment.source,
  });
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new StepFailure("validate", "permanent", "invalid_payment", `payment cannot be charged: ${reasons}`);
  }
}
