import { z } from "zod";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@payq/shared";

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

const port = (fallback: number) =>
  z.coerce.number({ error: "must be a port number 0-65535" }).int().min(0).max(65_535, "must be a port number 0-65535").default(fallback);
const positiveInt = (fallback: number) =>
  z.coerce.number({ error: "must be a positive integer" }).int("must be a positive integer").positive("must be a positive integer").default(fallback);

export const envField = { port, positiveInt };

/** Variables every app reads. Defaults make a bare `pnpm start` work on a developer machine. */
export const commonEnv = {
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};

export const redisEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).default("redis://127.0.0.1:6379"),
  /** BullMQ key prefix: deployments sharing one Redis must each have their own. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]{1,64}$/, "letters, digits and _ { } . - only")
    .default("payq"),
};

export const databaseEnv = {
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" })
    .default("postgres://postgres@127.0.0.1:5432/payq"),
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
