/** The two legs of a captured payment. */
export type LedgerLeg = "bank_clearing" | "merchant_payable";

export interface LedgerEntry {
  leg: LedgerLeg;
  account: string;
  /** Signed minor units: debits positive, credits negative; a payment's entries sum to zero. */
  amount: number;
}

/** A capture puts money in the bank clearing account, owed onward to the merchant. */
export function captureEntries(payment: { merchantId: string; amount: number }): LedgerEntry[] {
  return [
    { leg: "bank_clearing", account: "assets:bank_clearing", amount: payment.amount },
    { leg: "merchant_payable", account: `liabilities:merchants:${payment.merchantId}`, amount: -payment.amount },
  ];
}
