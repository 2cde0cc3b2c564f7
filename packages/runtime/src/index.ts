export {
  apiKeyDigest,
  DEV_API_KEY,
  hashApiKey,
  isWellFormedApiKey,
  MIN_API_KEY_LENGTH,
  newApiKey,
} from "./api-key-hash.ts";
export { connectPostgres, connectRedis } from "./connect.ts";
export {
  breakerEnv,
  breakerOptionsFromEnv,
  commonEnv,
  ConfigError,
  databaseEnv,
  DEFAULT_DATABASE_URL,
  DEV_WEBHOOK_ALLOWED_HOSTS,
  DEV_WEBHOOK_SECRET,
  envField,
  parseEnv,
  redisEnv,
  retryEnv,
  retryPolicyFromEnv,
  webhookEnv,
  webhookTargetEnv,
} from "./env.ts";
export { operationsRouter, type ReadinessCheck } from "./health.ts";
export {
  apiError,
  apiErrorSchema,
  boundPort,
  closeServer,
  errorHandler,
  listen,
  notFound,
  type ApiError,
  type RunningApp,
} from "./http.ts";
export { createLogger, maskUrl, REDACTED_PATHS, requestForLog, type Logger } from "./logger.ts";
export { exitOnStartupError, stopOnSignals } from "./shutdown.ts";
export { deploymentEnv, isProduction, refuseDevelopmentDefaults } from "./production.ts";
export { escapeHtml } from "./html.ts";
export { hashPassword, isPasswordHash, verifyPassword } from "./passwords.ts";
