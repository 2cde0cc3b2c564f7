import type { BudgetOptions } from "./breaker-options.ts";
import type { BudgetState } from "./breaker-state.ts";

/**
 * Tokens are kept to a millionth, here and in the Lua script alike: sums of tenths then come out whole,
 * and both sides read back the very same number from Redis.
 */
export const roundTokens = (tokens: number) => Math.round(tokens * 1e6) / 1e6;

/** A new bucket starts full: a fleet that just started may retry a burst at once. */
function refilled(budget: BudgetState | null, now: number, options: BudgetOptions): BudgetState {
  if (!budget) return { tokens: options.maxTokens, updatedAt: now };
  const accrued = (Math.max(0, now - budget.updatedAt) / 1000) * options.minPerSecond;
  return { tokens: roundTokens(Math.min(options.maxTokens, budget.tokens + accrued)), updatedAt: now };
}

/** A first attempt earns `ratio` tokens. */
export function depositToken(budget: BudgetState | null, now: number, options: BudgetOptions): BudgetState {
  const current = refilled(budget, now, options);
  return { tokens: roundTokens(Math.min(options.maxTokens, current.tokens + options.ratio)), updatedAt: now };
}

export type Withdrawal = { granted: true; budget: BudgetState } | { granted: false; budget: BudgetState; retryAfterMs: number };

/** A retry spends one token, or is told how long until one accrues. */
export function withdrawToken(budget: BudgetState | null, now: number, options: BudgetOptions): Withdrawal {
  const current = refilled(budget, now, options);
  if (current.tokens >= 1) return { granted: true, budget: { tokens: roundTokens(current.tokens - 1), updatedAt: now } };
  const retryAfterMs = Math.ceil(((1 - current.tokens) / Math.max(options.minPerSecond, 0.001)) * 1000);
  return { granted: false, budget: current, retryAfterMs };
}
