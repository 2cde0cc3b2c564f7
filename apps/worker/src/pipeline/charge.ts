import { isStepFailure, type AttemptContext, type Gate, type Payment } from "@payq/shared";
import type { ChargeOutcome } from "../bank/bank-client.ts";
import type { PipelineDeps } from "./pipeline-deps.ts";

/** The breaker of the bank's charge API. */
export const BANK_BREAKER = "bank";

/** A call held back by the bank's breaker or the retry budget: the job waits, and no attempt is used. */
export type Held = Extract<Gate, { kind: "wait" }>;

/**
 * Step 2. Asks the fleet's bank breaker, then charges under the payment's idempotency key, so a repeat
 * after any failure finds the first capture instead of making a second. The capture is made durable by
 * the ledger step (step 3). A decline is an outcome, not a failure; so is a bank that answers a
 * malformed request with 4xx: the bank itself is healthy.
 */
export async function chargeBank(
  deps: PipelineDeps,
  payment: Payment,
  attempt: AttemptContext,
): Promise<ChargeOutcome | Held> {
  const gate = await deps.breakers.admit(BANK_BREAKER, { retry: attempt.attempt > 1 });
  if (gate.kind === "wait") {
    deps.metrics.breakerRejections.inc({ breaker: BANK_BREAKER, reason: gate.reason });
    return gate;
  }
  if (gate.ticket.probe) deps.metrics.breakerProbes.inc({ breaker: BANK_BREAKER });
  let failed = true;
  try {
    const outcome = await deps.bank.charge(payment.id, {
      amount: payment.amount,
      currency: payment.currency,
      source: payment.source,
      reference: payment.id,
    });
    failed = false;
    return outcome;
  } catch (error) {
    failed = !isStepFailure(error) || error.errorClass !== "permanent";
    throw error;
  } finally {
    await deps.breakers.record(gate.ticket, { failed });
  }
}
