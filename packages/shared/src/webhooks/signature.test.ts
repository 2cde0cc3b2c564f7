import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signWebhook, verifyWebhook } from "./signature.ts";

const SECRET = "whsec_test_secret_0123456789";
const BODY = '{"id":"evt_1","type":"payment.succeeded"}';

describe("webhook signatures", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-12-03T12:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("verifies what it signed", () => {
    const header = signWebhook(SECRET, BODY);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, BODY, header)).toEqual({ valid: true, timestamp: Date.now() / 1000 });
  });

  it("refuses another body, another secret, or no header", () => {
    const header = signWebhook(SECRET, BODY);
    expect(verifyWebhook(SECRET, `${BODY} `, header)).toEqual({ valid: false, reason: "bad_signature" });
    expect(verifyWebhook("whsec_other_secret_0000000", BODY, header)).toEqual({ valid: false, reason: "bad_signature" });
    expect(verifyWebhook(SECRET, BODY, undefined)).toEqual({ valid: false, reason: "malformed_header" });
    expect(verifyWebhook(SECRET, BODY, "t=abc,v1=zz")).toEqual({ valid: false, reason: "malformed_header" });
  });

  it("refuses a delivery replayed after the tolerance", () => {
    const header = signWebhook(SECRET, BODY);
    vi.advanceTimersByTime(299_000);
    expect(verifyWebhook(SECRET, BODY, header).valid).toBe(true);
    vi.advanceTimersByTime(2_000);
    expect(verifyWebhook(SECRET, BODY, header)).toEqual({ valid: false, reason: "outside_tolerance" });
    expect(verifyWebhook(SECRET, BODY, header, { toleranceS: 600 }).valid).toBe(true);
  });
});
