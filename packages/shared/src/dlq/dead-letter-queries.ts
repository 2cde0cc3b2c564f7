import type { Queryable } from "../db/pool.ts";
import type { PipelineStep } from "../payments/payment.ts";
import type { ErrorClass } from "../retry/classify.ts";
import type { DeadLetterReason } from "./dead-letter.ts";
import { deadLetterWhere, type DeadLetterFilter } from "./dead-letter-filter.ts";

/** One line of the dead-letter list. */
export interface DeadLetterSummary {
  paymentId: string;
  merchantId: string;
  amount: number;
  currency: string;
  reason: DeadLetterReason;
  errorClass: ErrorClass;
  errorCode: string;
  errorMessage: string;
  failedStep: PipelineStep;
  attempts: number;
  deadLetteredAt: Date;
}

export interface DeadLetterPage {
  items: DeadLetterSummary[];
  /** Pass back as `after` for the next page; null on the last. */
  next: { at: string; id: string } | null;
}

interface SummaryRow {
  payment_id: string;
  merchant_id: string;
  amount: number;
  currency: string;
  reason: DeadLetterReason;
  error_class: ErrorClass;
  error_code: string;
  error_message: string;
  failed_step: PipelineStep;
  attempts: number;
  dead_lettered_at: Date;
}

/** Newest first, keyset-paged on (dead_lettered_at, payment_id), so page 500 costs what page 1 does. */
export async function listDeadLetters(
  db: Queryable,
  filter: DeadLetterFilter,
  page: { limit: number; after?: { at: string; id: string } },
): Promise<DeadLetterPage> {
  const where = deadLetterWhere(filter);
  const params = [...where.params];
  let keyset = "";
  if (page.after) {
    params.push(page.after.at, page.after.id);
    keyset = `AND (d.dead_lettered_at, d.payment_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(page.limit + 1);
  const { rows } = await db.query<SummaryRow>(
    `SELECT d.payment_id, d.merchant_id, p.amount, p.currency, d.reason, d.error_class, d.error_code,
            left(d.error_message, 300) AS error_message, d.failed_step, d.attempts, d.dead_lettered_at
       FROM dead_letters d JOIN payments p ON p.id = d.payment_id
      WHERE ${where.sql} ${keyset}
      ORDER BY d.dead_lettered_at DESC, d.payment_id DESC
      LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, page.limit).map((r) => ({
    paymentId: r.payment_id,
    merchantId: r.merchant_id,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    errorClass: r.error_class,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    failedStep: r.failed_step,
    attempts: r.attempts,
    deadLetteredAt: r.dead_lettered_at,
  }));
  const last = items.at(-1);
  return {
    items,
    next: rows.length > page.limit && last ? { at: last.deadLetteredAt.toISOString(), id: last.paymentId } : null,
  };
}

/** How many live dead letters match: the dry run of a bulk action. */
export async function countDeadLetters(db: Queryable, filter: DeadLetterFilter): Promise<number> {
  const where = deadLetterWhere(filter);
  const { rows } = await db.query<{ count: string }>(`SELECT count(*) FROM dead_letters d WHERE ${where.sql}`, where.params);
  return Number(rows[0]?.count ?? 0);
}

/** The ids of every live dead letter matching, oldest first: what a bulk action will act on. */
export async function matchingDeadLetterIds(db: Queryable, filter: DeadLetterFilter, limit: number): Promise<string[]> {
  const where = deadLetterWhere(filter);
  const { rows } = await db.query<{ payment_id: string }>(
    `SELECT d.payment_id FROM dead_letters d WHERE ${where.sql}
      ORDER BY d.dead_lettered_at, d.payment_id LIMIT $${where.params.length + 1}`,
    [...where.params, limit],
  );
  return rows.map((r) => r.payment_id);
}

/** Of `ids`, those that are live dead letters: what a replay or discard of a selection can act on. */
export async function liveDeadLetterIds(db: Queryable, ids: string[]): Promise<string[]> {
  const where = deadLetterWhere({}, 2);
  const { rows } = await db.query<{ payment_id: string }>(
    `SELECT d.payment_id FROM dead_letters d WHERE d.payment_id = ANY($1::uuid[]) AND ${where.sql}`,
    [ids, ...where.params],
  );
  return rows.map((r) => r.payment_id);
}
