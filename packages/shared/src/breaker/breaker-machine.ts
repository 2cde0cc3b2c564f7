import type { BreakerOptions, BudgetOptions } from "./breaker-options.ts";
import type { BreakerKind, BreakerState, BreakerWindow, BudgetState } from "./breaker-state.ts";
import { depositToken, withdrawToken } from "./retry-budget.ts";

/**
 * The breaker as a pure state machine with an injected clock. This is the specification: the Lua
 * scripts in ./lua carry out exactly these rules atomically in Redis for the whole fleet, and a test
 * runs random histories through both and requires the same answers.
 */

export interface Transition {
  from: BreakerKind;
  to: BreakerKind;
  reason: string;
}

/** What a call may do. A probe is one of the half-open window's few fleet-wide trial calls. */
export type Admission =
  | { decision: "allow" | "probe"; generation: number }
  | { decision: "reject"; reason: "open" | "forced_open" | "half_open_busy"; retryAfterMs: number }
  /** The breaker would allow it, but the retry budget is spent: wait, this costs no attempt. */
  | { decision: "defer"; retryAfterMs: number };

export interface MachineOptions {
  /** null: no breaker, every call passes (the budget may still apply). */
  breaker: BreakerOptions | null;
  /** null: no retry budget. */
  budget: BudgetOptions | null;
}

export interface Outcome<T> {
  state: BreakerState;
  budget: BudgetState | null;
  result: T;
  transition: Transition | null;
}

export function openPeriodMs(reopenCount: number, options: BreakerOptions): number {
  return Math.floor(Math.min(options.maxOpenMs, options.openMs * options.openBackoffFactor ** reopenCount));
}

const bucketsPerWindow = (options: BreakerOptions) => Math.ceil(options.windowMs / options.bucketMs);

/** Calls and failures in the window that ends at `now`. */
export function windowTotals(window: BreakerWindow, now: number, options: BreakerOptions) {
  const current = Math.floor(now / options.bucketMs);
  const oldest = current - bucketsPerWindow(options) + 1;
  let calls = 0;
  let failures = 0;
  for (const [index, bucket] of Object.entries(window)) {
    if (Number(index) >= oldest && Number(index) <= current) {
      calls += bucket.calls;
      failures += bucket.failures;
    }
  }
  return { calls, failures };
}

function open(state: BreakerState, now: number, reopenCount: number, options: BreakerOptions): BreakerState {
  return { kind: "open", since: now, generation: state.generation, until: now + openPeriodMs(reopenCount, options), reopenCount };
}

/** Time-driven moves, made when the breaker is next consulted: cool-down over, or probes lost. */
function advance(state: BreakerState, now: number, options: BreakerOptions): { state: BreakerState; transition: Transition | null } {
  if (state.kind === "open" && now >= state.until) {
    const next: BreakerState = {
      kind: "half_open",
      since: now,
      generation: state.generation + 1,
      reopenCount: state.reopenCount,
      probesGranted: 0,
      probeSuccesses: 0,
    };
    return { state: next, transition: { from: "open", to: "half_open", reason: "cool_down_elapsed" } };
  }
  if (state.kind === "half_open" && state.probesGranted > 0 && now - state.since >= options.probeTimeoutMs) {
    const next = open(state, now, state.reopenCount + 1, options);
    return { state: next, transition: { from: "half_open", to: "open", reason: "probe_timeout" } };
  }
  return { state, transition: null };
}

/** Asks whether a call may go out now. `retry`: the call is a retry, so it spends the retry budget. */
export function admit(
  state: BreakerState,
  budget: BudgetState | null,
  input: { now: number; retry: boolean },
  options: MachineOptions,
): Outcome<Admission> {
  const { now } = input;
  let transition: Transition | null = null;
  let probe = false;
  if (options.breaker) {
    const advanced = advance(state, now, options.breaker);
    state = advanced.state;
    transition = advanced.transition;
    const reject = (reason: "open" | "forced_open" | "half_open_busy", retryAfterMs: number): Outcome<Admission> => ({
      state,
      budget,
      transition,
      result: { decision: "reject", reason, retryAfterMs },
    });
    switch (state.kind) {
      case "closed":
      case "forced_closed":
        break;
      case "forced_open":
        return reject("forced_open", options.breaker.openMs);
      case "open":
        return reject("open", state.until - now);
      case "half_open":
        if (state.probesGranted >= options.breaker.halfOpenProbes) return reject("half_open_busy", options.breaker.halfOpenRetryMs);
        probe = true;
        break;
    }
  }
  if (options.budget) {
    if (input.retry) {
      const withdrawal = withdrawToken(budget, now, options.budget);
      budget = withdrawal.budget;
      if (!withdrawal.granted) return { state, budget, transition, result: { decision: "defer", retryAfterMs: withdrawal.retryAfterMs } };
    } else {
      budget = depositToken(budget, now, options.budget);
    }
  }
  if (probe && state.kind === "half_open") state = { ...state, probesGranted: state.probesGranted + 1 };
  return { state, budget, transition, result: { decision: probe ? "probe" : "allow", generation: state.generation } };
}

/** Reports how an admitted call went. A slow success counts as a failure. */
export function record(
  state: BreakerState,
  input: { now: number; failed: boolean; durationMs: number; probe: boolean; generation: number },
  options: BreakerOptions,
): Outcome<null> {
  const { now } = input;
  const failed = input.failed || input.durationMs > options.slowCallMs;
  const unchanged: Outcome<null> = { state, budget: null, result: null, transition: null };
  switch (state.kind) {
    case "open":
    case "forced_open":
    case "forced_closed":
      return unchanged;
    case "half_open": {
      if (!input.probe || input.generation !== state.generation) return unchanged;
      if (failed) {
        const next = open(state, now, state.reopenCount + 1, options);
        return { ...unchanged, state: next, transition: { from: "half_open", to: "open", reason: "probe_failed" } };
      }
      const successes = state.probeSuccesses + 1;
      if (successes < options.halfOpenProbes) return { ...unchanged, state: { ...state, probeSuccesses: successes } };
      const closed: BreakerState = { kind: "closed", since: now, generation: state.generation, window: {}, consecutiveFailures: 0 };
      return { ...unchanged, state: closed, transition: { from: "half_open", to: "closed", reason: "probes_succeeded" } };
    }
    case "closed": {
      const current = Math.floor(now / options.bucketMs);
      const oldest = current - bucketsPerWindow(options) + 1;
      const window: BreakerWindow = {};
      for (const [index, bucket] of Object.entries(state.window)) if (Number(index) >= oldest) window[Number(index)] = bucket;
      const bucket = window[current] ?? { calls: 0, failures: 0 };
      window[current] = { calls: bucket.calls + 1, failures: bucket.failures + (failed ? 1 : 0) };
      const consecutiveFailures = failed ? state.consecutiveFailures + 1 : 0;
      const next: BreakerState = { ...state, window, consecutiveFailures };
      const totals = windowTotals(window, now, options);
      const reason =
        consecutiveFailures >= options.consecutiveFailureThreshold
          ? "consecutive_failures"
          : totals.calls >= options.minimumCalls && totals.failures / totals.calls >= options.failureRateThreshold
            ? "failure_rate"
            : null;
      if (!reason) return { ...unchanged, state: next };
      return { ...unchanged, state: open(next, now, 0, options), transition: { from: "closed", to: "open", reason } };
    }
  }
}

export type ForceAction = "open" | "closed" | "reset";

/** An operator's override: hold it open, hold it closed, or reset it to a fresh closed breaker. */
export function force(
  state: BreakerState,
  input: { now: number; action: ForceAction; by: string; reason: string },
): Outcome<null> {
  const next: BreakerState =
    input.action === "reset"
      ? { kind: "closed", since: input.now, generation: state.generation, window: {}, consecutiveFailures: 0 }
      : {
          kind: input.action === "open" ? "forced_open" : "forced_closed",
          since: input.now,
          generation: state.generation,
          by: input.by,
          reason: input.reason,
        };
  const transition = { from: state.kind, to: next.kind, reason: input.action === "reset" ? "reset" : "forced" };
  return { state: next, budget: null, result: null, transition };
}
