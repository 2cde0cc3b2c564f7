import type { PaymentStatus, RecoveryPoint } from "./payment.ts";

/** Every status change a payment may make. Anything else is a bug and is refused. */
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

/** The statuses a payment may be in for a move to `to`: the guard of every status UPDATE. */
export function statusesLeadingTo(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(STATUS_TRANSITIONS) as PaymentStatus[]).filter((from) => canTransition(from, to));
}

const RECOVERY_ORDER: readonly RecoveryPoint[] = ["started", "charge_captured", "ledger_posted"];

/** Recovery points only move forward, one step at a time. */
export function canAdvance(from: RecoveryPoint, to: RecoveryPoint): boolean {
  return RECOVERY_ORDER.indexOf(to) === RECOVERY_ORDER.indexOf(from) + 1;
}
