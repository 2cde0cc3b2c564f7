import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createProducerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "payq_producer_" });
  return {
    registry,
    requests: new Histogram({
      name: "payq_http_request_duration_seconds",
      help: "Producer API requests by route, method and status",
      labelNames: ["route", "method", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    accepted: new Counter({
      name: "payq_payments_accepted_total",
      help: "Payments accepted (new, not idempotent replays)",
      registers: [registry],
    }),
    idempotentReplays: new Counter({
      name: "payq_idempotent_replays_total",
      help: "Requests answered from a stored idempotent response",
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "payq_rate_limited_total",
      help: "Requests refused with 429 because their merchant was over its rate limit",
      registers: [registry],
    }),
    rateLimiterFailures: new Counter({
      name: "payq_rate_limiter_failures_total",
      help: "Requests let through unmetered because the rate limiter's Redis did not answer",
      registers: [registry],
    }),
    enqueueFailures: new Counter({
      name: "payq_enqueue_failures_total",
      help: "Accepted payments whose enqueue failed; the outbox sweeper enqueues them later",
      registers: [registry],
    }),
  };
}

export type ProducerMetrics = ReturnType<typeof createProducerMetrics>;
