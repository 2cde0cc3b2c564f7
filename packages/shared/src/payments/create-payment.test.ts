import { describe, expect, it } from "vitest";
import { createPaymentSchema } from "./create-payment.ts";

const schema = createPaymentSchema();
const valid = { amount: 1_000, currency: "USD", source: "tok_visa" };
const accepts = (extra: object) => schema.safeParse({ ...valid, ...extra }).success;

describe("createPaymentSchema: only text Postgres can store", () => {
  it.each([
    ["a NUL in the description", { description: "a\u0000b" }],
    ["a lone high surrogate in the description", { description: "a\ud800" }],
    ["a lone low surrogate in the callbackUrl", { callbackUrl: "https://example.com/\udc00" }],
    ["a NUL in a metadata key", { metadata: { "a\u0000": "v" } }],
    ["a lone surrogate in a metadata value", { metadata: { note: "\ud83d" } }],
  ])("refuses %s", (_, extra) => {
    expect(accepts(extra)).toBe(false);
  });

  it("accepts astral characters, whose surrogates come in pairs", () => {
    expect(accepts({ description: "😀 order", metadata: { "😀": "😀" } })).toBe(true);
  });

  it("refuses a metadata key __proto__, which an object would drop, and keeps constructor", () => {
    expect(schema.safeParse({ ...valid, metadata: JSON.parse('{"__proto__":"x"}') }).success).toBe(false);
    expect(schema.parse({ ...valid, metadata: JSON.parse('{"constructor":"x"}') }).metadata).toEqual({ constructor: "x" });
  });
});
