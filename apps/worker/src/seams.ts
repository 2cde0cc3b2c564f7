import { chargeIdempotencyKey, type HostLookup } from "@payq/shared";
import { repairOpenPayment } from "./sweeper/open-payments.ts";

/**
 * Parts a test build swaps: for deliberately broken ones, to prove the chaos checker catches the bug, or
 * for a stand-in of the world outside (DNS). The worker's own entry point passes none, so production
 * always runs the real parts.
 */
export interface WorkerSeams {
  /** The bank idempotency key of a payment's charge. */
  chargeKey: (paymentId: string) => string;
  /** What the sweeper does with an open payment it found untouched for a while. */
  repairOpenPayment: typeof repairOpenPayment;
  /** How webhook hosts are resolved; the system resolver unless a test scripts its answers. */
  webhookLookup?: HostLookup;
}

export const REAL_PARTS: WorkerSeams = { chargeKey: chargeIdempotencyKey, repairOpenPayment };
