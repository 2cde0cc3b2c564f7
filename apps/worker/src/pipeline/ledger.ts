import { recordCapture, toStepFailure, type AttemptContext, type Payment } from "@payq/shared";
import type { PipelineDeps } from "./pipeline-deps.ts";

/**
 * Step 3. Records the capture, posts its balanced entries and marks the payment succeeded, in one
 * statement (batched with other jobs'). If that fails, the capture is still checkpointed on its own
 * where it can be, so the retry or replay resumes here and never calls the bank again; if even that
 * fails, the charge step is what failed, and its repeat under the same key finds the same capture.
 * Returns false if the payment was already settled.
 */
export async function postLedger(deps: PipelineDeps, payment: Payment, chargeId: string, attempt: AttemptContext): Promise<boolean> {
  try {
    const settled = await deps.store.settleCaptured({ payment, chargeId, attempt });
    if (!settled) await assertSameCharge(deps, payment.id, chargeId);
    return settled;
  } catch (error) {
    const checkpointed =
      payment.recoveryPoint === "charge_captured" ||
      (await recordCapture(deps.pool, payment.id, chargeId).then(
        () => true,
        () => false,
      ));
    throw toStepFailure(checkpointed ? "ledger" : "charge", error);
  }
}

/** Not settled by this call: fine if an earlier run settled it, a defect if it carries another charge. */
async function assertSameCharge(deps: PipelineDeps, paymentId: string, chargeId: string): Promise<void> {
  const current = await deps.store.find(paymentId);
  if (current?.chargeId && current.chargeId !== chargeId) {
    throw new Error(`payment ${paymentId} already has charge ${current.chargeId}, not ${chargeId}`);
  }
}
