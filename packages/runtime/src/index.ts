export { connectPostgres, connectRedis } from "./connect.ts";
export {
  breakerEnv,
  breakerOptionsFromEnv,
  commonEnv,
  ConfigError,
  databaseEnv,
  DEV_WEBHOOK_SECRET,
  envField,
  parseEnv,
  redisEnv,
  retryEnv,
  retryPolicyFromEnv,
  webhookEnv,
} from "./env.ts";
export { operationsRouter, type ReadinessCheck } from "./health.ts";
export {
  apiError,
  boundPort,
  closeServer,
  errorHandler,
  listen,
  notFound,
  type ApiError,
  type RunningApp,
} from "./http.ts";
export { createLogger, maskUrl, REDACTED_PATHS, type Logger } from "./logger.ts";
export { exitOnStartupError, stopOnSignals } from "./shutdown.ts";
export { hashPassword, isPasswordHash, verifyPassword } from "./passwords.ts";
