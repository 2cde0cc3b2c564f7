import { ledgerCaptures, ledgerSums, reconcile, type Pool, type ReconciliationReport } from "@payq/shared";
import type { BankApi } from "@payq/bank-sim";

/** Reconciles the ledger in `pool` against the bank's statement, exactly as `pnpm reconcile` does. */
export async function reconcileWithBank(pool: Pool, bank: BankApi): Promise<ReconciliationReport> {
  const [ledger, sums, statement] = await Promise.all([ledgerCaptures(pool), ledgerSums(pool), bank.statement()]);
  return reconcile(ledger, statement, sums);
}

/** Per succeeded payment: how many ledger entries it has and what they sum to. */
export async function ledgerShape(pool: Pool): Promise<{ payments: number; badEntryCount: number; unbalanced: number }> {
  const { rows } = await pool.query<{ payments: string; bad_entry_count: string; unbalanced: string }>(
    `SELECT count(*) AS payments,
            count(*) FILTER (WHERE entries <> 2) AS bad_entry_count,
            count(*) FILTER (WHERE total <> 0) AS unbalanced
       FROM (SELECT p.id, count(e.id) AS entries, coalesce(sum(e.amount), 0) AS total
               FROM payments p LEFT JOIN ledger_entries e ON e.payment_id = p.id
              WHERE p.status = 'succeeded' GROUP BY p.id) per_payment`,
  );
  const row = rows[0];
  return { payments: Number(row?.payments), badEntryCount: Number(row?.bad_entry_count), unbalanced: Number(row?.unbalanced) };
}
