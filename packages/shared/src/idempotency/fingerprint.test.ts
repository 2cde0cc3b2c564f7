import { describe, expect, it } from "vitest";
import { requestFingerprint } from "./fingerprint.ts";

describe("requestFingerprint", () => {
  it("ignores key order, at every depth", () => {
    const a = requestFingerprint("POST /v1/payments", { amount: 1, currency: "USD", metadata: { a: "1", b: "2" } });
    const b = requestFingerprint("POST /v1/payments", { metadata: { b: "2", a: "1" }, currency: "USD", amount: 1 });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("differs when a value, the operation or a field's presence differs", () => {
    const base = requestFingerprint("POST /v1/payments", { amount: 1 });
    expect(requestFingerprint("POST /v1/payments", { amount: 2 })).not.toBe(base);
    expect(requestFingerprint("POST /v1/refunds", { amount: 1 })).not.toBe(base);
    expect(requestFingerprint("POST /v1/payments", { amount: 1, description: "x" })).not.toBe(base);
    expect(requestFingerprint("POST /v1/payments", { amount: "1" })).not.toBe(base);
  });

  it("treats an undefined field as absent", () => {
    expect(requestFingerprint("op", { amount: 1, description: undefined })).toBe(requestFingerprint("op", { amount: 1 }));
  });
});
