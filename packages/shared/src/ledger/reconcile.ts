import type { StatementEntry } from "../bank/bank-api.ts";

/** A payment as the ledger records its capture (the bank-clearing leg). */
export interface LedgerCapture {
  paymentId: string;
  chargeId: string | null;
  amount: number;
  currency: string;
}

export interface Mismatch {
  paymentId: string;
  problem: "amount" | "currency" | "charge_id" | "captured_more_than_once";
  ledger: string;
  bank: string;
}

export interface ReconciliationReport {
  matched: number;
  /** Captured at the bank, absent from the ledger. */
  missingInLedger: string[];
  /** In the ledger, never captured at the bank. */
  missingAtBank: string[];
  mismatched: Mismatch[];
  /** Currencies whose ledger entries do not sum to zero. */
  unbalancedCurrencies: string[];
  differences: number;
}

/** Compares the ledger with the bank's statement, payment by payment. */
export function reconcile(
  ledger: readonly LedgerCapture[],
  statement: readonly StatementEntry[],
  ledgerSums: ReadonlyMap<string, number> = new Map(),
): ReconciliationReport {
  const captures = new Map<string, StatementEntry[]>();
  for (const entry of statement) {
    const list = captures.get(entry.reference);
    if (list) list.push(entry);
    else captures.set(entry.reference, [entry]);
  }
  const report: ReconciliationReport = {
    matched: 0,
    missingInLedger: [],
    missingAtBank: [],
    mismatched: [],
    unbalancedCurrencies: [...ledgerSums].filter(([, sum]) => sum !== 0).map(([currency]) => currency),
    differences: 0,
  };
  const seen = new Set<string>();
  for (const posted of ledger) {
    seen.add(posted.paymentId);
    const atBank = captures.get(posted.paymentId);
    const mismatch = atBank ? compare(posted, atBank) : null;
    if (!atBank) report.missingAtBank.push(posted.paymentId);
    else if (mismatch) report.mismatched.push(mismatch);
    else report.matched += 1;
  }
  for (const reference of captures.keys()) if (!seen.has(reference)) report.missingInLedger.push(reference);
  report.differences =
    report.missingInLedger.length +
    report.missingAtBank.length +
    report.mismatched.length +
    report.unbalancedCurrencies.length;
  return report;
}

function compare(posted: LedgerCapture, atBank: StatementEntry[]): Mismatch | null {
  const [bank] = atBank;
  const at = (problem: Mismatch["problem"], ledger: unknown, bankValue: unknown): Mismatch => ({
    paymentId: posted.paymentId,
    problem,
    ledger: String(ledger),
    bank: String(bankValue),
  });
  if (!bank) return null;
  if (atBank.length > 1) return at("captured_more_than_once", 1, atBank.length);
  if (bank.amount !== posted.amount) return at("amount", posted.amount, bank.amount);
  if (bank.currency !== posted.currency) return at("currency", posted.currency, bank.currency);
  if (bank.chargeId !== posted.chargeId) return at("charge_id", posted.chargeId, bank.chargeId);
  return null;
}
