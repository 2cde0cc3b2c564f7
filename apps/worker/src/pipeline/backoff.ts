import type { BackoffStrategy } from "bullmq";
import { isStepFailure, PAYQ_BACKOFF, retryDelayMs, type RetryPolicy } from "@payq/shared";

/**
 * BullMQ's hook for payq's retry delays: full jitter from the policy, never sooner than a dependency's
 * Retry-After. `attemptsMade` already counts the attempt that just failed.
 */
export function payqBackoff(policy: RetryPolicy): BackoffStrategy {
  return (attemptsMade, type, error) => {
    if (type !== PAYQ_BACKOFF) return 0;
    return retryDelayMs(attemptsMade, policy, isStepFailure(error) ? error.retryAfterMs : 0);
  };
}
