import { z } from "zod";
import {
  breakerEnv,
  commonEnv,
  databaseEnv,
  deploymentEnv,
  envField,
  parseEnv,
  redisEnv,
  refuseDevelopmentDefaults,
  retryEnv,
} from "@payq/runtime";

/**
 * Development users, printed at start: admin / payq-admin (operator) and viewer / payq-viewer.
 * Production sets PAYQ_DASHBOARD_USERS with hashes from `pnpm payq hash-password`.
 */
export const DEV_DASHBOARD_USERS = [
  "admin:operator:scrypt$32768$8$1$WaW7_kkCfZQMsGwCVRqHDg$0iA9DRwO2IqeLQ3b4TGNI7-Ux-pSoE_6A5V7F9Fcpbg",
  "viewer:viewer:scrypt$32768$8$1$LkFqEbbEBw33YRTPswAzUA$D1abKudaKh6HozqJ5dVkGNqJAoY8UaHrE3FLoktNdQg",
].join(",");
/** Passwords anyone can guess: the development users' (published above) and none at all. */
export const PUBLIC_PASSWORDS = ["", "payq-admin", "payq-viewer"];
export const DEV_SESSION_SECRET = "payq-development-session-secret";

export const dashboardEnvSchema = z.object({
  ...commonEnv,
  ...deploymentEnv,
  ...redisEnv,
  ...databaseEnv,
  ...retryEnv,
  ...breakerEnv,
  DASHBOARD_PORT: envField.port(3001),
  HOST: z.string().default("127.0.0.1"),
  PAYQ_DASHBOARD_USERS: z.string().default(DEV_DASHBOARD_USERS),
  SESSION_SECRET: z.string().min(16, "must be at least 16 characters").default(DEV_SESSION_SECRET),
  /**
   * Set when the dashboard is served over HTTPS (directly or behind a TLS proxy): cookies become Secure,
   * and responses carry HSTS and upgrade-insecure-requests.
   */
  SECURE_COOKIES: z.stringbool().default(false),
  /** Behind a reverse proxy: trust its X-Forwarded-* headers (client address for login throttling, TLS). */
  TRUST_PROXY: z.stringbool().default(false),
  PG_POOL_SIZE: envField.positiveInt(5),
  /** The replay rate the console offers, per second; operators can change it per replay. */
  REPLAY_DEFAULT_RATE: z.coerce.number().int().min(1).max(1_000).default(10),
  ALERT_DLQ_DEPTH: envField.positiveInt(100),
  ALERT_DLQ_AGE_MINUTES: envField.positiveInt(60),
  ALERT_BREAKER_OPEN_MINUTES: envField.positiveInt(5),
}).superRefine(refuseDevelopmentDefaults({ PAYQ_DASHBOARD_USERS: DEV_DASHBOARD_USERS, SESSION_SECRET: DEV_SESSION_SECRET }));

export type DashboardEnv = z.infer<typeof dashboardEnvSchema>;

export const loadDashboardEnv = (env: NodeJS.ProcessEnv = process.env) => parseEnv(dashboardEnvSchema, env);
