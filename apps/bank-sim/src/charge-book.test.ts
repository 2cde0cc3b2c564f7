import { describe, expect, it } from "vitest";
import { ChargeBook } from "./charge-book.ts";

const request = { amount: 500, currency: "EUR", source: "tok_visa", reference: "pay_1" };

describe("ChargeBook", () => {
  it("captures once per key and replays the same charge after", () => {
    const book = new ChargeBook();
    const first = book.charge("k1", request);
    const again = book.charge("k1", request);
    expect(first.kind).toBe("new");
    expect(again).toEqual({ kind: "replayed", charge: first.kind === "new" ? first.charge : undefined });
    expect(book.totals()).toMatchObject({ captures: 1, duplicatesPrevented: 1, referencesCapturedMoreThanOnce: 0 });
    expect(book.statement()).toHaveLength(1);
  });

  it("refuses a key reused for another request", () => {
    const book = new ChargeBook();
    book.charge("k1", request);
    expect(book.charge("k1", { ...request, amount: 501 })).toEqual({ kind: "key_conflict" });
  });

  it("counts a reference captured under two keys: the mark of a client that changed its key", () => {
    const book = new ChargeBook();
    book.charge("k1", request);
    book.charge("k2", request);
    expect(book.totals()).toMatchObject({ captures: 2, referencesCapturedMoreThanOnce: 1, capturedAmount: { EUR: 1_000 } });
  });

  it("declines and refuses the deterministic test sources", () => {
    const book = new ChargeBook();
    const declined = book.charge("k1", { ...request, source: "tok_decline" });
    expect(declined).toMatchObject({ kind: "new", charge: { status: "declined", declineCode: "card_declined" } });
    expect(book.charge("k2", { ...request, source: "tok_invalid_account" })).toEqual({ kind: "invalid_source" });
    expect(book.totals()).toMatchObject({ captures: 0, declines: 1 });
  });
});
