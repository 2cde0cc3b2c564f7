import express, { type Express } from "express";
import { pinoHttp } from "pino-http";
import type { Queue } from "bullmq";
import { errorHandler, notFound, operationsRouter, requestForLog, type Logger, type ReadinessCheck } from "@payq/runtime";
import type { CallbackTargetPolicy, CreatePaymentLimits, Pool, RetryPolicy } from "@payq/shared";
import type { ApiKeyring } from "./api-keys.ts";
import type { ProducerMetrics } from "./metrics.ts";
import { authenticate } from "./middleware/authenticate.ts";
import { limitRequestRate } from "./middleware/rate-limit.ts";
import type { MerchantRateLimit } from "./rate-limiter.ts";
import { apiDescriptionRoutes } from "./routes/api-description.ts";
import { paymentRoutes } from "./routes/payments.ts";

export interface ProducerDeps {
  pool: Pool;
  paymentsQueue: Queue;
  apiKeys: ApiKeyring;
  /** Null when the limit is turned off. */
  rateLimit: MerchantRateLimit | null;
  logger: Logger;
  metrics: ProducerMetrics;
  readiness: ReadinessCheck[];
  limits: CreatePaymentLimits;
  retryPolicy: RetryPolicy;
  idempotencyKeyTtlMs: number;
  enqueueTimeoutMs: number;
  callbackTargets: CallbackTargetPolicy;
}

/** The producer API, built without listening, so tests and `main.ts` drive the same thing. */
export function createProducerApp(deps: ProducerDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(requestLogging(deps));
  app.use(operationsRouter(deps.readiness, deps.metrics.registry));
  app.use(apiDescriptionRoutes(deps.limits));
  app.use(authenticate(deps.apiKeys));
  if (deps.rateLimit) app.use(limitRequestRate(deps.rateLimit, deps));
  app.use(paymentRoutes(deps));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** Logs client errors and failures; successes are counted by metrics, not logged one by one. */
function requestLogging(deps: Pick<ProducerDeps, "logger" | "metrics">) {
  return pinoHttp({
    logger: deps.logger,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "info" : "debug"),
    serializers: {
      req: requestForLog,
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customSuccessObject: (req, res, value: Record<string, unknown>) => {
      deps.metrics.requests
        .labels(routeOf(req.url ?? ""), req.method ?? "", String(res.statusCode))
        .observe(Number(value.responseTime) / 1000);
      return value;
    },
  });
}

/** Fixed paths besides the payments API, each its own label. */
const FIXED_ROUTES = new Set(["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"]);

/** A low-cardinality route label: ids collapse to `:id`, and unknown paths to `other`. */
function routeOf(url: string): string {
  const path = url.split("?")[0] ?? "";
  if (path === "/v1/payments") return path;
  if (path.startsWith("/v1/payments/")) return "/v1/payments/:id";
  return FIXED_ROUTES.has(path) ? path : "other";
}
