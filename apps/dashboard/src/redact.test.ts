import { describe, expect, it } from "vitest";
import { redact } from "./redact.ts";

describe("redact", () => {
  it("masks sensitive keys at any depth and card-like numbers in any string", () => {
    expect(
      redact({
        paymentId: "p1",
        source: "tok_visa",
        nested: { apiKey: "sk_live_x", note: "card 4242 4242 4242 4242 declined", list: ["5555555555554444"] },
        amount: 1234567890123,
      }),
    ).toEqual({
      paymentId: "p1",
      source: "[redacted]",
      nested: { apiKey: "[redacted]", note: "card [redacted] declined", list: ["[redacted]"] },
      amount: 1234567890123,
    });
  });

  it("shows dates as ISO text", () => {
    expect(redact({ createdAt: new Date("2026-12-03T12:00:00Z") })).toEqual({ createdAt: "2026-12-03T12:00:00.000Z" });
  });

  it("leaves ids, timestamps and short numbers alone", () => {
    const letter = { paymentId: "01a23cbd-9974-76c3-ae2d-aab9b04c65f2", at: "2026-12-03T12:00:00.000Z", attempts: 6 };
    expect(redact(letter)).toEqual(letter);
  });
});
