import { Batcher, type BatcherOptions } from "../db/batcher.ts";
import type { Queryable } from "../db/pool.ts";
import { captureEntries } from "../ledger/entries.ts";
import type { AttemptContext } from "./payment-outcomes.ts";
import { paymentFromRow, type Payment, type PaymentRow } from "./payment.ts";

/**
 * The worker's hot statements, each taking many payments at once. Every row keeps the guard its
 * single-payment form had, so a batch changes how many round trips and commits the work costs, never
 * what it does: a row whose guard fails is left alone and reported, exactly as on its own.
 */

export async function findPayments(db: Queryable, ids: readonly string[]): Promise<(Payment | null)[]> {
  const { rows } = await db.query<PaymentRow>({
    name: "payq-find-payments",
    text: "SELECT * FROM payments WHERE id = ANY($1::uuid[])",
    values: [ids],
  });
  const byId = new Map(rows.map((row) => [row.id, paymentFromRow(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export interface CapturedPayment {
  payment: Payment;
  chargeId: string;
  attempt: AttemptContext;
}

/**
 * The bank captured: record the charge, post the balanced entries and mark the payments succeeded, in one
 * statement. A payment is settled only if it is still open and has no other charge; returns, per payment,
 * whether this call settled it.
 */
export async function settleCapturedMany(db: Queryable, items: readonly CapturedPayment[]): Promise<boolean[]> {
  const entries = items.flatMap(({ payment }) => captureEntries(payment).map((entry) => ({ id: payment.id, ...entry })));
  const { rows } = await db.query<{ id: string }>({
    name: "payq-settle-captured",
    text: `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::timestamptz[])
                  AS i (id, charge_id, run, attempt, started_at)),
     payment AS (
       UPDATE payments p SET status = 'succeeded', recovery_point = 'ledger_posted', charge_id = i.charge_id,
                             settled_at = now(), updated_at = now(), attempts = p.attempts + 1
         FROM input i
        WHERE p.id = i.id AND p.status = 'accepted' AND p.recovery_point IN ('started', 'charge_captured')
          AND (p.charge_id IS NULL OR p.charge_id = i.charge_id)
       RETURNING p.id, p.currency, i.run, i.attempt, i.started_at),
     entries AS (
       INSERT INTO ledger_entries (payment_id, leg, account, currency, amount)
       SELECT payment.id, e.leg, e.account, payment.currency, e.amount
         FROM unnest($6::uuid[], $7::text[], $8::text[], $9::bigint[]) AS e (id, leg, account, amount)
         JOIN payment ON payment.id = e.id),
     attempt AS (
       INSERT INTO payment_attempts (payment_id, run, attempt, step, outcome, started_at)
       SELECT id, run, attempt, 'ledger', 'succeeded', started_at FROM payment)
     SELECT id FROM payment`,
    values: [
      items.map((item) => item.payment.id),
      items.map((item) => item.chargeId),
      items.map((item) => item.attempt.run),
      items.map((item) => item.attempt.attempt),
      items.map((item) => item.attempt.startedAt),
      entries.map((entry) => entry.id),
      entries.map((entry) => entry.leg),
      entries.map((entry) => entry.account),
      entries.map((entry) => entry.amount),
    ],
  });
  const settled = new Set(rows.map((row) => row.id));
  return items.map((item) => settled.has(item.payment.id));
}

/** The merchant acknowledged the webhooks of these payments. */
export async function markNotificationsDelivered(db: Queryable, ids: readonly string[]): Promise<void[]> {
  await db.query({
    name: "payq-notifications-delivered",
    text: "UPDATE payments SET notification_status = 'delivered' WHERE id = ANY($1::uuid[]) AND notification_status = 'pending'",
    values: [ids],
  });
  return ids.map(() => undefined);
}

/**
 * The hot statements behind batchers: concurrent jobs of one process share round trips and commits.
 * Up to `maxInFlight` batches of each kind are out at once, so a slow batch never stalls the rest.
 */
export class PaymentBatches {
  private readonly finds: Batcher<string, Payment | null>;
  private readonly settles: Batcher<CapturedPayment, boolean>;
  private readonly deliveries: Batcher<string, void>;

  constructor(db: Queryable, options: BatcherOptions) {
    this.finds = new Batcher((ids) => findPayments(db, ids), options);
    this.settles = new Batcher((items) => settleCapturedMany(db, items), options);
    this.deliveries = new Batcher((ids) => markNotificationsDelivered(db, ids), options);
  }

  find(id: string): Promise<Payment | null> {
    return this.finds.call(id);
  }

  settleCaptured(item: CapturedPayment): Promise<boolean> {
    return this.settles.call(item);
  }

  notificationDelivered(id: string): Promise<void> {
    return this.deliveries.call(id);
  }
}
