import { z } from "zod";
import {
  DEFAULT_BREAKER_OPTIONS,
  parseRedisTarget,
  DEFAULT_BUDGET_OPTIONS,
  DEFAULT_RETRY_POLICY,
  parseWebhookAllowlist,
  type MachineOptions,
  type RetryPolicy,
  type StoreFailureMode,
} from "@payq/shared";

/** A configuration problem, worded for the operator who has to fix it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses `env` with an app's schema, or fails with every problem listed by variable name. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
}

const ratio = (fallback: number) =>
  z.coerce.number({ error: "must be a number from 0 to 1" }).min(0, "must be a number from 0 to 1").max(1, "must be a number from 0 to 1").default(fallback);
const positiveNumber = (fallback: number) =>
  z.coerce.number({ error: "must be a positive number" }).positive("must be a positive number").default(fallback);
const port = (fallback: number) =>
  z.coerce.number({ error: "must be a port number 0-65535" }).int().min(0).max(65_535, "must be a port number 0-65535").default(fallback);
const positiveInt = (fallback: number) =>
  z.coerce.number({ error: "must be a positive integer" }).int("must be a positive integer").positive("must be a positive integer").default(fallback);

const nonNegativeInt = (fallback: number) =>
  z.coerce.number({ error: "must be a whole number, 0 or more" }).int("must be a whole number, 0 or more").min(0, "must be a whole number, 0 or more").default(fallback);

export const envField = { port, positiveInt, nonNegativeInt, ratio };

/** Variables every app reads. Defaults make a bare `pnpm start` work on a developer machine. */
export const commonEnv = {
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};

const REDIS_URL_ERROR = "must be a redis://, rediss:// or redis+cluster://host:port,host:port URL";

/** One Redis (`redis://`, `rediss://`) or a cluster (`redis+cluster://host:port,…`, `rediss+cluster://`). */
const redisUrl = () =>
  z.string().refine((text) => {
    try {
      const target = parseRedisTarget(text);
      return target.kind === "cluster" || /^rediss?:$/.test(new URL(text).protocol);
    } catch {
      return false;
    }
  }, REDIS_URL_ERROR);

export const redisEnv = {
  REDIS_URL: redisUrl().default("redis://127.0.0.1:6379"),
  /** Seed nodes of a Redis Cluster (`host:port,…`); set, they turn every connection into a cluster one. */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^\s,:]+:\d{1,5}(\s*,\s*[^\s,:]+:\d{1,5})*\s*$/, "must be host:port pairs separated by commas")
    .optional(),
  /**
   * Key prefix: deployments sharing one Redis must each have their own. payq adds the hash tags itself
   * (one per queue and per breaker), so braces are refused.
   */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits and _ . - only")
    .default("payq"),
};

/** Where `pnpm start` and every app look for PostgreSQL when DATABASE_URL is unset. */
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/payq";

export const databaseEnv = {
  /** A PostgreSQL server (`postgres://`), or the embedded one in a directory (`pglite:/path`), one process only. */
  DATABASE_URL: z
    .url({ protocol: /^(postgres(ql)?|pglite)$/, error: "must be a postgres:// URL (or pglite:/directory for the embedded database)" })
    .default(DEFAULT_DATABASE_URL),
};

export const retryEnv = {
  RETRY_MAX_ATTEMPTS: positiveInt(DEFAULT_RETRY_POLICY.maxAttempts),
  RETRY_BASE_DELAY_MS: positiveInt(DEFAULT_RETRY_POLICY.baseDelayMs),
  RETRY_MAX_DELAY_MS: positiveInt(DEFAULT_RETRY_POLICY.maxDelayMs),
};

export function retryPolicyFromEnv(env: {
  RETRY_MAX_ATTEMPTS: number;
  RETRY_BASE_DELAY_MS: number;
  RETRY_MAX_DELAY_MS: number;
}): RetryPolicy {
  return { maxAttempts: env.RETRY_MAX_ATTEMPTS, baseDelayMs: env.RETRY_BASE_DELAY_MS, maxDelayMs: env.RETRY_MAX_DELAY_MS };
}

/** The development signing secret, known to the worker and to bank-sim's webhook sink. Never for production. */
export const DEV_WEBHOOK_SECRET = "whsec_payq_development_only";

export const webhookEnv = {
  PAYQ_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").default(DEV_WEBHOOK_SECRET),
};

/**
 * The loopback allowlist that development and test launchers set, because bank-sim's webhook sink listens
 * on loopback. Never a default: without it, webhooks to loopback, private and metadata addresses are refused.
 */
export const DEV_WEBHOOK_ALLOWED_HOSTS = "127.0.0.0/8,::1,localhost";

/** Where webhooks may go: public addresses, plus these host names, addresses and CIDRs (comma-separated). */
export const webhookTargetEnv = {
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((text, ctx) => {
      try {
        return parseWebhookAllowlist(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
};

const B = DEFAULT_BREAKER_OPTIONS;
const Q = DEFAULT_BUDGET_OPTIONS;

/** The fleet breaker and retry budget: one setting for every dependency (the bank, each webhook host). */
export const breakerEnv = {
  BREAKER_ENABLED: z.stringbool().default(true),
  BREAKER_WINDOW_MS: positiveInt(B.windowMs),
  BREAKER_BUCKET_MS: positiveInt(B.bucketMs),
  BREAKER_MIN_CALLS: positiveInt(B.minimumCalls),
  BREAKER_FAILURE_RATE: ratio(B.failureRateThreshold),
  BREAKER_CONSECUTIVE_FAILURES: positiveInt(B.consecutiveFailureThreshold),
  BREAKER_SLOW_CALL_MS: positiveInt(B.slowCallMs),
  BREAKER_OPEN_MS: positiveInt(B.openMs),
  BREAKER_OPEN_BACKOFF: positiveNumber(B.openBackoffFactor),
  BREAKER_MAX_OPEN_MS: positiveInt(B.maxOpenMs),
  BREAKER_HALF_OPEN_PROBES: positiveInt(B.halfOpenProbes),
  BREAKER_PROBE_TIMEOUT_MS: positiveInt(B.probeTimeoutMs),
  BREAKER_HALF_OPEN_RETRY_MS: positiveInt(B.halfOpenRetryMs),
  BREAKER_STORE_FAILURE_MODE: z.enum(["open", "closed"]).default("open"),
  /**
   * A breaker call unanswered this long counts as the store being unreachable. A Redis that is down
   * refuses at once; this bounds one that hangs, and is long enough that a busy process is not taken
   * for a dead Redis.
   */
  BREAKER_STORE_TIMEOUT_MS: positiveInt(5_000),
  /** The breakers' Redis; defaults to REDIS_URL. */
  BREAKER_REDIS_URL: redisUrl().optional(),
  RETRY_BUDGET_ENABLED: z.stringbool().default(true),
  RETRY_BUDGET_RATIO: ratio(Q.ratio),
  RETRY_BUDGET_MAX_TOKENS: positiveNumber(Q.maxTokens),
  RETRY_BUDGET_MIN_PER_SECOND: positiveNumber(Q.minPerSecond),
};

type BreakerEnv = z.infer<z.ZodObject<typeof breakerEnv>>;

export function breakerOptionsFromEnv(env: BreakerEnv): MachineOptions & { storeFailureMode: StoreFailureMode } {
  return {
    breaker: env.BREAKER_ENABLED
      ? {
          windowMs: env.BREAKER_WINDOW_MS,
          bucketMs: env.BREAKER_BUCKET_MS,
          minimumCalls: env.BREAKER_MIN_CALLS,
          failureRateThreshold: env.BREAKER_FAILURE_RATE,
          consecutiveFailureThreshold: env.BREAKER_CONSECUTIVE_FAILURES,
          slowCallMs: env.BREAKER_SLOW_CALL_MS,
          openMs: env.BREAKER_OPEN_MS,
          openBackoffFactor: env.BREAKER_OPEN_BACKOFF,
          maxOpenMs: env.BREAKER_MAX_OPEN_MS,
          halfOpenProbes: env.BREAKER_HALF_OPEN_PROBES,
          probeTimeoutMs: env.BREAKER_PROBE_TIMEOUT_MS,
          halfOpenRetryMs: env.BREAKER_HALF_OPEN_RETRY_MS,
        }
      : null,
    budget: env.RETRY_BUDGET_ENABLED
      ? { ratio: env.RETRY_BUDGET_RATIO, maxTokens: env.RETRY_BUDGET_MAX_TOKENS, minPerSecond: env.RETRY_BUDGET_MIN_PER_SECOND }
      : null,
    storeFailureMode: env.BREAKER_STORE_FAILURE_MODE,
  };
}
