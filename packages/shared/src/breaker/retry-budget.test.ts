import { describe, expect, it } from "vitest";
import { admit } from "./breaker-machine.ts";
import type { BudgetOptions } from "./breaker-options.ts";
import { INITIAL_BREAKER_STATE, type BudgetState } from "./breaker-state.ts";
import { depositToken, withdrawToken } from "./retry-budget.ts";

const OPTIONS: BudgetOptions = { ratio: 0.1, maxTokens: 5, minPerSecond: 0.5 };

describe("retry budget", () => {
  it("starts full, so a fresh fleet can retry a burst", () => {
    let budget: BudgetState | null = null;
    let granted = 0;
    for (let i = 0; i < 10; i += 1) {
      const withdrawal = withdrawToken(budget, 0, OPTIONS);
      budget = withdrawal.budget;
      if (withdrawal.granted) granted += 1;
    }
    expect(granted).toBe(5);
  });

  it("earns a tenth of a token per first attempt: ten first attempts buy one retry", () => {
    let budget: BudgetState = { tokens: 0, updatedAt: 0 };
    for (let i = 0; i < 10; i += 1) budget = depositToken(budget, 0, OPTIONS);
    expect(budget.tokens).toBeCloseTo(1);
    const withdrawal = withdrawToken(budget, 0, OPTIONS);
    expect(withdrawal.granted).toBe(true);
    expect(withdrawal.budget.tokens).toBeCloseTo(0);
  });

  it("says how long until the next token accrues, and never holds more than the cap", () => {
    const empty: BudgetState = { tokens: 0.5, updatedAt: 0 };
    expect(withdrawToken(empty, 0, OPTIONS)).toEqual({ granted: false, budget: empty, retryAfterMs: 1_000 });
    expect(withdrawToken(empty, 1_000, OPTIONS).granted).toBe(true);
    expect(depositToken({ tokens: 4.99, updatedAt: 0 }, 3_600_000, OPTIONS).tokens).toBe(5);
  });

  it("defers a retry the breaker would allow, without touching a first attempt", () => {
    const options = { breaker: null, budget: OPTIONS };
    const spent: BudgetState = { tokens: 0, updatedAt: 0 };
    expect(admit(INITIAL_BREAKER_STATE, spent, { now: 0, retry: true }, options).result).toEqual({ decision: "defer", retryAfterMs: 2_000 });
    const first = admit(INITIAL_BREAKER_STATE, spent, { now: 0, retry: false }, options);
    expect(first.result).toMatchObject({ decision: "allow" });
    expect(first.budget?.tokens).toBeCloseTo(0.1);
  });
});
