import type { PaymentStatus } from "./payment.ts";

/**
 * Every status change a payment may make. The database enforces the same table in a trigger
 * (migration 0001), and a test holds the two to agreement.
 */
const STATUS_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  accepted: ["succeeded", "declined", "dead_lettered"],
  succeeded: [],
  declined: [],
  // An operator's replay puts a dead letter back to work.
  dead_lettered: ["accepted"],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}
