import { describe, expect, it } from "vitest";
import { StepFailure } from "@payq/shared";
import { payqBackoff } from "./backoff.ts";

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe("payqBackoff (BullMQ backoffStrategy)", () => {
  const strategy = payqBackoff(policy);

  it("keeps full-jitter delays under the attempt's ceiling and the cap", async () => {
    for (let i = 0; i < 200; i += 1) {
      expect(await strategy(3, "payq", new Error("x"))).toBeLessThan(400);
      expect(await strategy(30, "payq", new Error("x"))).toBeLessThan(1_000);
    }
  });

  it("waits at least a rate-limited failure's Retry-After", async () => {
    const limited = new StepFailure("charge", "rate_limited", "bank_http_429", "slow down", 2_500);
    expect(await strategy(1, "payq", limited)).toBe(2_500);
  });

  it("leaves other backoff types alone", async () => {
    expect(await strategy(3, "fixed", new Error("x"))).toBe(0);
  });
});
