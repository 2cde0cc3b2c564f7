import { z } from "zod";
import { commonEnv, envField, parseEnv, webhookEnv } from "@payq/runtime";

const rate = z.coerce.number().min(0).max(1).default(0);

export const bankSimEnvSchema = z.object({
  ...commonEnv,
  ...webhookEnv,
  BANK_SIM_PORT: envField.port(4010),
  HOST: z.string().default("127.0.0.1"),
  BANK_FAILURE_RATE: rate,
  BANK_AMBIGUOUS_RATE: rate,
  BANK_TIMEOUT_RATE: rate,
  BANK_RATE_LIMIT_RATE: rate,
  BANK_WEBHOOK_FAILURE_RATE: rate,
  BANK_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  BANK_LATENCY_JITTER_MS: z.coerce.number().int().min(0).default(0),
});

export type BankSimEnv = z.infer<typeof bankSimEnvSchema>;

export const loadBankSimEnv = (env: NodeJS.ProcessEnv = process.env) => parseEnv(bankSimEnvSchema, env);
