import type { RequestHandler } from "express";
import { RateLimiterRes } from "rate-limiter-flexible";
import { apiError, type Logger } from "@payq/runtime";
import type { ProducerMetrics } from "../metrics.ts";
import type { MerchantRateLimit } from "../rate-limiter.ts";
import type { MerchantLocals } from "./authenticate.ts";

/**
 * Charges each authenticated request to its merchant's budget; over it, 429 `rate_limited` with a
 * `Retry-After` in whole seconds.
 *
 * It runs after `authenticate`, so requests without a valid key are never charged to a merchant. Those
 * get no limit of their own here: rejecting one costs a hash and touches neither Postgres nor Redis,
 * while a per-address budget would cost a Redis round trip for each, turning a flood of bad keys into
 * load on Redis; and behind a load balancer every client has the balancer's address. Volumetric floods
 * are for the edge (load balancer, WAF) to absorb.
 *
 * It fails open: when Redis cannot answer, requests go through unmetered, counted and logged once per
 * outage. The limit protects capacity, not correctness (idempotency keys and Postgres keep every payment
 * exactly once without it), and refusing payments because the limiter's store blinked would turn a Redis
 * hiccup into a payments outage.
 */
export function limitRequestRate(
  rateLimit: MerchantRateLimit,
  deps: { logger: Logger; metrics: ProducerMetrics },
): RequestHandler<unknown, unknown, unknown, unknown, MerchantLocals> {
  let failing = false;
  return async (_req, res, next) => {
    const verdict = await rateLimit.consume(res.locals.merchantId).then(
      () => "allowed" as const,
      (error: unknown) => error,
    );
    if (verdict instanceof RateLimiterRes) {
      deps.metrics.rateLimited.inc();
      const seconds = Math.max(1, Math.ceil(verdict.msBeforeNext / 1000));
      res
        .status(429)
        .set("Retry-After", String(seconds))
        .json(
          apiError(
            "rate_limited",
            `too many requests: this merchant may make ${rateLimit.perSecond} per second; retry after ${seconds} s`,
          ),
        );
      return;
    }
    if (verdict === "allowed") {
      if (failing) deps.logger.info("rate limiter answering again");
      failing = false;
    } else {
      deps.metrics.rateLimiterFailures.inc();
      if (!failing) {
        const message = verdict instanceof Error ? verdict.message : String(verdict);
        deps.logger.warn({ err: { message } }, "rate limiter unreachable; letting requests through unmetered");
      }
      failing = true;
    }
    next();
  };
}
