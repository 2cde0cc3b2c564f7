import type { FailureClass } from "./classify.ts";

export interface RetryPolicy {
  /** Attempts per run, the first included. @default 6 */
  maxAttempts: number;
  /** Ceiling of the first retry's delay; it doubles per attempt. @default 500 */
  baseDelayMs: number;
  /** Largest delay between attempts. @default 60_000 */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 60_000 };

/** What each class of failure leads to. */
export type RetryAction = "retry" | "dead_letter" | "settle_declined";

const ACTIONS: Readonly<Record<FailureClass, RetryAction>> = {
  transient: "retry",
  ambiguous: "retry", // always with the same idempotency key, so a capture that did happen is found again
  rate_limited: "retry", // with Retry-After as the floor of the delay
  permanent: "dead_letter",
  declined: "settle_declined",
};

export function retryActionFor(failureClass: FailureClass): RetryAction {
  return ACTIONS[failureClass];
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * uniform in [0, min(cap, base * 2^(attempt-1))). A Retry-After from the dependency is a floor.
 * @param attempt the number of attempts that have failed so far, from 1
 */
export function retryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(retryAfterMs, Math.floor(random() * ceiling));
}

/** Parses an HTTP Retry-After value (delta-seconds or an HTTP-date) into milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date names its day and month; anything else (say "-5") is not one, whatever Date.parse thinks.
  if (!/^[A-Za-z]{3}, /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
