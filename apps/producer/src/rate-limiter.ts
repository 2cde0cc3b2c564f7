import type { RedisClient } from "@payq/shared";
import { BurstyRateLimiter, RateLimiterRedis, RLWrapperTimeouts, type RateLimiterRes } from "rate-limiter-flexible";

/**
 * A Redis slower than this counts as unreachable, and the request goes on unmetered: a healthy Redis
 * answers in about a millisecond, and a payment request should not wait long on its limiter.
 */
const STORE_TIMEOUT_MS = 250;
const BURST_WINDOW_SECONDS = 10;

export interface RateLimitSettings {
  /** Keys live under `<prefix>:rate-limit:`, so deployments (and test stacks) sharing a Redis never share a budget. */
  prefix: string;
  perSecond: number;
  /** Extra requests allowed above `perSecond` in any 10 s window; 0 for none. */
  burst: number;
}

/** One budget per merchant, shared by every producer instance through Redis. */
export interface MerchantRateLimit {
  readonly perSecond: number;
  /** Resolves when the request fits; rejects with a `RateLimiterRes` when it does not, or an Error when Redis fails. */
  consume(merchantId: string): Promise<RateLimiterRes>;
}

/** The merchants' request budget, or null when the limit is turned off (`perSecond` 0). */
export function merchantRateLimit(redis: RedisClient, settings: RateLimitSettings): MerchantRateLimit | null {
  if (settings.perSecond === 0) return null;
  const window = (name: string, points: number, duration: number) =>
    new RLWrapperTimeouts({
      limiter: new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${settings.prefix}:rate-limit:${name}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
      }),
      timeoutMs: STORE_TIMEOUT_MS,
    });
  const steady = window("second", settings.perSecond, 1);
  const limiter =
    settings.burst > 0 ? new BurstyRateLimiter(steady, window("burst", settings.burst, BURST_WINDOW_SECONDS)) : steady;
  return { perSecond: settings.perSecond, consume: (merchantId) => limiter.consume(merchantId) };
}
