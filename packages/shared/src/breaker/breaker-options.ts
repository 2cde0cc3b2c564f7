/** How a breaker decides. Every field documents its default; `DEFAULT_BREAKER_OPTIONS` holds them. */
export interface BreakerOptions {
  /** Length of the sliding window the failure rate is measured over. @default 30_000 */
  windowMs: number;
  /** Width of one bucket of the window; the window slides a bucket at a time. @default 1_000 */
  bucketMs: number;
  /** Calls the window must hold before its failure rate can trip the breaker. @default 20 */
  minimumCalls: number;
  /** Share of failed calls in the window that trips the breaker, 0..1. @default 0.5 */
  failureRateThreshold: number;
  /** Failures in a row that trip the breaker whatever the window says. @default 10 */
  consecutiveFailureThreshold: number;
  /** A call slower than this counts as a failure even if it succeeded. @default 5_000 */
  slowCallMs: number;
  /** First open period. @default 5_000 */
  openMs: number;
  /** Each re-open from half-open multiplies the open period by this. @default 2 */
  openBackoffFactor: number;
  /** Longest open period. @default 60_000 */
  maxOpenMs: number;
  /** Probe calls the whole fleet may make per half-open window; this many successes close it. @default 3 */
  halfOpenProbes: number;
  /** A granted probe that reports nothing in this time is taken as failed (its worker died). @default 30_000 */
  probeTimeoutMs: number;
  /** How long a call turned away while half-open waits before asking again. @default 1_000 */
  halfOpenRetryMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
  windowMs: 30_000,
  bucketMs: 1_000,
  minimumCalls: 20,
  failureRateThreshold: 0.5,
  consecutiveFailureThreshold: 10,
  slowCallMs: 5_000,
  openMs: 5_000,
  openBackoffFactor: 2,
  maxOpenMs: 60_000,
  halfOpenProbes: 3,
  probeTimeoutMs: 30_000,
  halfOpenRetryMs: 1_000,
};

/**
 * A retry budget (gRPC retry throttling, Finagle's RetryBudget): first attempts deposit `ratio` tokens,
 * each retry withdraws one, so retries stay near `ratio` of traffic while a dependency is sick.
 */
export interface BudgetOptions {
  /** Tokens a first attempt earns: the long-run share of retries. @default 0.1 */
  ratio: number;
  /** Most tokens the bucket holds: the burst of retries allowed after a quiet spell. @default 50 */
  maxTokens: number;
  /** Tokens that accrue per second regardless of traffic, so a quiet system can still retry. @default 5 */
  minPerSecond: number;
}

export const DEFAULT_BUDGET_OPTIONS: BudgetOptions = { ratio: 0.1, maxTokens: 50, minPerSecond: 5 };

/**
 * What a breaker does when its Redis cannot be reached. `open` (the default) lets calls through:
 * every bank call carries an idempotency key, so an unguarded call is safe, and refusing all work for
 * as long as Redis blinks would turn a Redis outage into a payments outage. `closed` refuses calls.
 */
export type StoreFailureMode = "open" | "closed";
