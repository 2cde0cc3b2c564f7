import type { Queryable } from "../db/pool.ts";
import type { LedgerCapture } from "./reconcile.ts";

/** Every capture the ledger knows of: one bank-clearing entry per succeeded payment. */
export async function ledgerCaptures(db: Queryable): Promise<LedgerCapture[]> {
  const { rows } = await db.query<{ payment_id: string; charge_id: string | null; amount: number; currency: string }>(
    `SELECT e.payment_id, p.charge_id, e.amount, e.currency
       FROM ledger_entries e JOIN payments p ON p.id = e.payment_id
      WHERE e.leg = 'bank_clearing'`,
  );
  return rows.map((r) => ({ paymentId: r.payment_id, chargeId: r.charge_id, amount: r.amount, currency: r.currency }));
}

/** The sum of all ledger entries per currency: zero in a balanced ledger. */
export async function ledgerSums(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ currency: string; sum: string }>(
    "SELECT currency, sum(amount)::text AS sum FROM ledger_entries GROUP BY currency",
  );
  return new Map(rows.map((r) => [r.currency, Number(r.sum)]));
}
