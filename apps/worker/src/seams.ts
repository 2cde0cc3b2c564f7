import { chargeIdempotencyKey } from "@payq/shared";
import { repairOpenPayment } from "./sweeper/open-payments.ts";

/**
 * Parts a test build swaps for deliberately broken ones, to prove the chaos checker catches the bug.
 * The worker's own entry point passes none, so production always runs the real parts.
 */
export interface WorkerSeams {
  /** The bank idempotency key of a payment's charge. */
  chargeKey: (paymentId: string) => string;
  /** What the sweeper does with an open payment it found untouched for a while. */
  repairOpenPayment: typeof repairOpenPayment;
}

export const REAL_PARTS: WorkerSeams = { chargeKey: chargeIdempotencyKey, repairOpenPayment };
