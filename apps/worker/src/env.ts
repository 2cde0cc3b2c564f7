import { z } from "zod";
import {
  breakerEnv,
  commonEnv,
  databaseEnv,
  deploymentEnv,
  DEV_WEBHOOK_SECRET,
  envField,
  parseEnv,
  redisEnv,
  refuseDevelopmentDefaults,
  retryEnv,
  webhookEnv,
  webhookTargetEnv,
} from "@payq/runtime";

export const workerEnvSchema = z.object({
  ...commonEnv,
  ...deploymentEnv,
  ...redisEnv,
  ...databaseEnv,
  ...retryEnv,
  ...webhookEnv,
  ...webhookTargetEnv,
  ...breakerEnv,
  WORKER_PORT: envField.port(3002),
  HOST: z.string().default("127.0.0.1"),
  WORKER_CONCURRENCY: envField.positiveInt(50),
  PG_POOL_SIZE: envField.positiveInt(20),
  BANK_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:4010"),
  /** Longer than the bank's usual answer, shorter than the job lock, so a hung call never outlives its lock. */
  BANK_TIMEOUT_MS: envField.positiveInt(10_000),
  /** A job whose lock is not renewed for this long is taken to have crashed and runs again. */
  LOCK_DURATION_MS: envField.positiveInt(30_000),
  STALLED_INTERVAL_MS: envField.positiveInt(30_000),
  /** How often a job may kill its worker before it is dead-lettered as poison. */
  MAX_STALLED_COUNT: envField.positiveInt(3),
  /** Payments waiting this long while this worker takes none mean its fetch loop is wedged: it is recreated. */
  WORKER_LIVENESS_STALL_MS: envField.positiveInt(60_000),
  SWEEP_INTERVAL_MS: envField.positiveInt(5_000),
  /** An open payment untouched this long is checked for a live job; live ones are left alone. */
  SWEEP_STALE_AFTER_MS: envField.positiveInt(30_000),
  PAYMENT_DEADLINE_MS: envField.positiveInt(24 * 3_600_000),
  WEBHOOK_TIMEOUT_MS: envField.positiveInt(5_000),
  NOTIFY_MAX_ATTEMPTS: envField.positiveInt(8),
  NOTIFY_CONCURRENCY: envField.positiveInt(20),
}).superRefine(refuseDevelopmentDefaults({ PAYQ_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET }));

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const loadWorkerEnv = (env: NodeJS.ProcessEnv = process.env) => parseEnv(workerEnvSchema, env);
