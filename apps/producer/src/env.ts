import { z } from "zod";
import { commonEnv, databaseEnv, envField, parseEnv, redisEnv, retryEnv } from "@payq/runtime";
import { DEFAULT_CREATE_PAYMENT_LIMITS } from "@payq/shared";

/** A development key, printed at start so the demo works with no setup. Never use it in production. */
export const DEV_API_KEYS = "merchant_demo:sk_test_payq_demo_key";

export const producerEnvSchema = z.object({
  ...commonEnv,
  ...redisEnv,
  ...databaseEnv,
  ...retryEnv,
  PRODUCER_PORT: envField.port(3000),
  HOST: z.string().default("127.0.0.1"),
  PAYQ_API_KEYS: z.string().default(DEV_API_KEYS),
  IDEMPOTENCY_KEY_TTL_HOURS: envField.positiveInt(24),
  MAX_PAYMENT_AMOUNT: envField.positiveInt(DEFAULT_CREATE_PAYMENT_LIMITS.maxAmount),
  PG_POOL_SIZE: envField.positiveInt(10),
});

export type ProducerEnv = z.infer<typeof producerEnvSchema>;

export const loadProducerEnv = (env: NodeJS.ProcessEnv = process.env) => parseEnv(producerEnvSchema, env);
