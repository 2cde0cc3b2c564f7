/** The bank's HTTP contract, as payq and the bank simulator both see it. */

export interface ChargeRequest {
  amount: number;
  currency: string;
  source: string;
  /** The payment id: what reconciliation matches captures on. */
  reference: string;
}

export interface Charge {
  id: string;
  status: "captured" | "declined";
  amount: number;
  currency: string;
  reference: string;
  declineCode: string | null;
  createdAt: string;
}

/** One capture on the bank's statement. */
export interface StatementEntry {
  chargeId: string;
  reference: string;
  idempotencyKey: string;
  amount: number;
  currency: string;
  capturedAt: string;
}

/** The idempotency key payq sends for a payment's charge: the same on every retry, crash re-run and replay. */
export function chargeIdempotencyKey(paymentId: string): string {
  return `payq-charge-${paymentId}`;
}
