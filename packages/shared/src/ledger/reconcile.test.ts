import { describe, expect, it } from "vitest";
import type { StatementEntry } from "../bank/bank-api.ts";
import { captureEntries } from "./entries.ts";
import { reconcile, type LedgerCapture } from "./reconcile.ts";

const capture = (reference: string, amount = 100, chargeId = `ch_${reference}`): StatementEntry => ({
  chargeId,
  reference,
  idempotencyKey: `key_${reference}`,
  amount,
  currency: "USD",
  capturedAt: "2026-12-03T00:00:00Z",
});
const posted = (paymentId: string, amount = 100, chargeId: string | null = `ch_${paymentId}`): LedgerCapture => ({
  paymentId,
  chargeId,
  amount,
  currency: "USD",
});

describe("reconcile", () => {
  it("matches a ledger and a statement that agree", () => {
    const report = reconcile([posted("a"), posted("b")], [capture("a"), capture("b")], new Map([["USD", 0]]));
    expect(report).toEqual({
      matched: 2,
      missingInLedger: [],
      missingAtBank: [],
      mismatched: [],
      unbalancedCurrencies: [],
      differences: 0,
    });
  });

  it("reports captures the ledger lacks, and postings the bank never captured", () => {
    const report = reconcile([posted("a"), posted("ghost")], [capture("a"), capture("lost")]);
    expect(report).toMatchObject({ matched: 1, missingInLedger: ["lost"], missingAtBank: ["ghost"], differences: 2 });
  });

  it("reports amount, currency and charge mismatches, and double captures", () => {
    const report = reconcile(
      [posted("amt", 100), posted("cur"), posted("chg", 100, "ch_other"), posted("dup")],
      [capture("amt", 101), { ...capture("cur"), currency: "EUR" }, capture("chg"), capture("dup"), capture("dup", 100, "ch_2")],
    );
    expect(report.mismatched.map((m) => [m.paymentId, m.problem])).toEqual([
      ["amt", "amount"],
      ["cur", "currency"],
      ["chg", "charge_id"],
      ["dup", "captured_more_than_once"],
    ]);
    expect(report.differences).toBe(4);
  });

  it("counts a ledger that does not sum to zero", () => {
    expect(reconcile([], [], new Map([["USD", 5], ["EUR", 0]]))).toMatchObject({ unbalancedCurrencies: ["USD"], differences: 1 });
  });
});

describe("captureEntries", () => {
  it("makes two legs that sum to zero", () => {
    const entries = captureEntries({ merchantId: "m1", amount: 1_234 });
    expect(entries.map((e) => e.leg)).toEqual(["bank_clearing", "merchant_payable"]);
    expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(0);
    expect(entries[1]?.account).toBe("liabilities:merchants:m1");
  });
});
