import { recordCapture, type Payment } from "@payq/shared";
import type { ChargeOutcome } from "../bank/bank-client.ts";
import type { PipelineDeps } from "./pipeline-deps.ts";

/**
 * Step 2. Charges the bank under the payment's idempotency key and checkpoints a capture, after which
 * the payment is never charged again. A decline is returned, not thrown: it is an outcome.
 */
export async function chargeBank(deps: PipelineDeps, payment: Payment): Promise<ChargeOutcome> {
  const outcome = await deps.bank.charge(payment.id, {
    amount: payment.amount,
    currency: payment.currency,
    source: payment.source,
    reference: payment.id,
  });
  if (outcome.kind === "captured") await recordCapture(deps.pool, payment.id, outcome.chargeId);
  return outcome;
}
