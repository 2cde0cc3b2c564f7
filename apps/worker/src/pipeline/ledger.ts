import { recordCapture, toStepFailure, type AttemptContext, type Payment } from "@payq/shared";
import type { PipelineDeps } from "./pipeline-deps.ts";

/**
 * Step 3. Records the capture, posts its balanced entries and marks the payment succeeded, in one
 * statement (batched with other jobs'). If that fails, the capture is still checkpointed on its own
 * where it can be, so the retry or replay resumes here and never calls the bank again; if even that
 * fails, the charge step is what failed, and its repeat under the same key finds the same capture.
 * Returns false if an earlier run already settled it with this same charge.
 */
export async function postLedger(deps: PipelineDeps, payment: Payment, chargeId: string, attempt: AttemptContext): Promise<boolean> {
  let settled: boolean;
  try {
    settled = await deps.store.settleCaptured({ payment, chargeId, attempt });
  } catch (error) {
    const checkpointed =
      payment.recoveryPoint === "charge_captured" ||
      (await recordCapture(deps.pool, payment.id, chargeId).then(
        () => true,
        () => false,
      ));
    throw toStepFailure(checkpointed ? "ledger" : "charge", error);
  }
  // Not settled by this call: fine if an earlier run settled it with this very charge. Otherwise the
  // payment moved on while the charge was in flight (dead-lettered, say), and recordCapture says why it
  // cannot take the capture; the job fails, and a replay finds the capture again under the same key.
  if (!settled) await recordCapture(deps.pool, payment.id, chargeId);
  return settled;
}
