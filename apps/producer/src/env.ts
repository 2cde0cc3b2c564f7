import { z } from "zod";
import {
  commonEnv,
  databaseEnv,
  deploymentEnv,
  DEV_API_KEY,
  envField,
  hashApiKey,
  parseEnv,
  redisEnv,
  refuseDevelopmentDefaults,
  retryEnv,
  webhookTargetEnv,
} from "@payq/runtime";
import { DEFAULT_CREATE_PAYMENT_LIMITS } from "@payq/shared";

/**
 * The development key's hash: configuration holds hashes only, even by default (see api-keys.ts). The
 * key itself is printed at start so the demo works with no setup. Never use it in production.
 */
export const DEV_API_KEYS = `${DEV_API_KEY.merchantId}:${hashApiKey(DEV_API_KEY.key)}`;

export const producerEnvSchema = z.object({
  ...commonEnv,
  ...deploymentEnv,
  ...redisEnv,
  ...databaseEnv,
  ...retryEnv,
  ...webhookTargetEnv,
  PRODUCER_PORT: envField.port(3000),
  HOST: z.string().default("127.0.0.1"),
  PAYQ_API_KEYS: z.string().default(DEV_API_KEYS),
  IDEMPOTENCY_KEY_TTL_HOURS: envField.positiveInt(24),
  MAX_PAYMENT_AMOUNT: envField.positiveInt(DEFAULT_CREATE_PAYMENT_LIMITS.maxAmount),
  PG_POOL_SIZE: envField.positiveInt(10),
  /**
   * Requests per second one merchant may make, shared by every producer instance through Redis; 0 turns
   * the limit off. 100/s is far above what a merchant's checkout sends and far below what one instance
   * serves, so a runaway client cannot crowd out the others.
   */
  API_RATE_LIMIT_PER_SECOND: envField.nonNegativeInt(100),
  /** Extra requests a merchant may make above that rate in any 10 s window, for spikes (a batch starting). */
  API_RATE_LIMIT_BURST: envField.nonNegativeInt(200),
}).superRefine(refuseDevelopmentDefaults({ PAYQ_API_KEYS: DEV_API_KEYS }));

export type ProducerEnv = z.infer<typeof producerEnvSchema>;

export const loadProducerEnv = (env: NodeJS.ProcessEnv = process.env) => parseEnv(producerEnvSchema, env);
