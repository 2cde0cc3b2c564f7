import type { Queryable } from "../db/pool.ts";
import { paymentFromRow, type Payment, type PaymentRow, type PaymentStatus } from "./payment.ts";

export async function findPayment(db: Queryable, id: string): Promise<Payment | null> {
  const { rows } = await db.query<PaymentRow>({ name: "payq-find-payment", text: "SELECT * FROM payments WHERE id = $1", values: [id] });
  return rows[0] ? paymentFromRow(rows[0]) : null;
}

/** Marks an open payment as being worked on now, so the sweeper leaves it alone for a while. */
export async function touchPayment(db: Queryable, id: string): Promise<void> {
  await db.query("UPDATE payments SET updated_at = now() WHERE id = $1 AND status = 'accepted'", [id]);
}

/** A merchant sees only its own payments: another merchant's id reads as "not found". */
export async function findMerchantPayment(db: Queryable, merchantId: string, id: string): Promise<Payment | null> {
  const { rows } = await db.query<PaymentRow>("SELECT * FROM payments WHERE id = $1 AND merchant_id = $2", [
    id,
    merchantId,
  ]);
  return rows[0] ? paymentFromRow(rows[0]) : null;
}

export interface PaymentPage {
  payments: Payment[];
  /** The id to pass as `after` for the next page, or null on the last page. */
  nextAfter: string | null;
}

/** Newest first. Keyset pagination on the UUIDv7 id, so pages stay stable while payments arrive. */
export async function listMerchantPayments(
  db: Queryable,
  query: { merchantId: string; status?: PaymentStatus; limit: number; after?: string },
): Promise<PaymentPage> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT * FROM payments
      WHERE merchant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [query.merchantId, query.status ?? null, query.after ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit).map(paymentFromRow);
  return { payments: page, nextAfter: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function countPaymentsByStatus(db: Queryable): Promise<Record<PaymentStatus, number>> {
  const { rows } = await db.query<{ status: PaymentStatus; count: string }>(
    "SELECT status, count(*) FROM payments GROUP BY status",
  );
  const counts: Record<PaymentStatus, number> = { accepted: 0, succeeded: 0, declined: 0, dead_lettered: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
