export const BREAKER_KINDS = ["closed", "open", "half_open", "forced_open", "forced_closed"] as const;
export type BreakerKind = (typeof BREAKER_KINDS)[number];

/** Calls and failures per bucket index (time / bucketMs). */
export type BreakerWindow = Record<number, { calls: number; failures: number }>;

/**
 * A breaker's whole state: plain data, so it serialises to a Redis hash and back (see breaker-hash.ts).
 * `generation` counts half-open windows, so a probe's late answer from an earlier window is ignored.
 */
export type BreakerState =
  | { kind: "closed"; since: number; generation: number; window: BreakerWindow; consecutiveFailures: number }
  | { kind: "open"; since: number; generation: number; until: number; reopenCount: number }
  | {
      kind: "half_open";
      since: number;
      generation: number;
      reopenCount: number;
      probesGranted: number;
      probeSuccesses: number;
    }
  | { kind: "forced_open" | "forced_closed"; since: number; generation: number; by: string; reason: string };

export const INITIAL_BREAKER_STATE: BreakerState = {
  kind: "closed",
  since: 0,
  generation: 0,
  window: {},
  consecutiveFailures: 0,
};

/** A retry budget's bucket. */
export interface BudgetState {
  tokens: number;
  updatedAt: number;
}
