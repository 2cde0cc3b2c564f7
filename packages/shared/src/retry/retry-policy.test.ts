import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseRetryAfter, retryActionFor, retryDelayMs } from "./retry-policy.ts";

const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe("retryDelayMs: exponential backoff with full jitter", () => {
  it("draws uniformly below base * 2^(attempt-1)", () => {
    expect(retryDelayMs(1, policy, 0, () => 0)).toBe(0);
    expect(retryDelayMs(1, policy, 0, () => 0.999_999)).toBe(99);
    expect(retryDelayMs(2, policy, 0, () => 0.999_999)).toBe(199);
    expect(retryDelayMs(3, policy, 0, () => 0.5)).toBe(200);
  });

  it("never exceeds the cap, however many attempts", () => {
    for (const attempt of [5, 10, 50, 1_000]) {
      expect(retryDelayMs(attempt, policy, 0, () => 0.999_999)).toBeLessThan(policy.maxDelayMs);
    }
  });

  it("stays within [0, ceiling) for random draws", () => {
    for (let i = 0; i < 1_000; i += 1) {
      const delay = retryDelayMs(4, policy);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(800);
    }
  });

  it("treats Retry-After as a floor, even above the cap", () => {
    expect(retryDelayMs(1, policy, 5_000, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(4, policy, 10, () => 0.5)).toBe(400);
  });
});

describe("parseRetryAfter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-12-03T12:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("3")).toBe(3_000);
    expect(parseRetryAfter(" 0 ")).toBe(0);
  });

  it("reads an HTTP-date relative to now, and never goes negative", () => {
    expect(parseRetryAfter("Thu, 03 Dec 2026 12:00:30 GMT")).toBe(30_000);
    vi.advanceTimersByTime(10_000);
    expect(parseRetryAfter("Thu, 03 Dec 2026 12:00:30 GMT")).toBe(20_000);
    expect(parseRetryAfter("Thu, 03 Dec 2026 11:00:00 GMT")).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-5")).toBeUndefined();
  });
});

describe("retryActionFor", () => {
  it("retries transient, ambiguous and rate-limited failures, dead-letters permanent ones, settles declines", () => {
    expect(retryActionFor("transient")).toBe("retry");
    expect(retryActionFor("ambiguous")).toBe("retry");
    expect(retryActionFor("rate_limited")).toBe("retry");
    expect(retryActionFor("permanent")).toBe("dead_letter");
    expect(retryActionFor("declined")).toBe("settle_declined");
  });
});
