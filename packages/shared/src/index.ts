// Named exports only: what the apps may use. Everything else stays private to its module.
export { chargeIdempotencyKey, type Charge, type ChargeRequest, type StatementEntry } from "./bank/bank-api.ts";
export { completeAudit, listAudit, recordAudit, type AuditEntry, type AuditRecord } from "./audit/audit-log.ts";
export { budgetFromHash, stateFromHash } from "./breaker/breaker-hash.ts";
export { breakerKeys, breakerRegistryKey } from "./breaker/breaker-keys.ts";
export {
  admit,
  force,
  openPeriodMs,
  record,
  windowTotals,
  type Admission,
  type ForceAction,
  type MachineOptions,
  type Outcome,
  type Transition,
} from "./breaker/breaker-machine.ts";
export {
  DEFAULT_BREAKER_OPTIONS,
  DEFAULT_BUDGET_OPTIONS,
  type BreakerOptions,
  type BudgetOptions,
  type StoreFailureMode,
} from "./breaker/breaker-options.ts";
export {
  BREAKER_KINDS,
  INITIAL_BREAKER_STATE,
  type BreakerKind,
  type BreakerState,
  type BreakerWindow,
  type BudgetState,
} from "./breaker/breaker-state.ts";
export {
  FleetBreakers,
  runBreakerScript,
  type BreakerSnapshot,
  type BreakerTicket,
  type FleetBreakerHooks,
  type Gate,
  type ScriptReply,
} from "./breaker/fleet-breakers.ts";
export { depositToken, withdrawToken, type Withdrawal } from "./breaker/retry-budget.ts";
export { ensureDatabase, loadMigrations, migrate } from "./db/migrate.ts";
export { createPool, type Pool, type PoolClient, type Queryable } from "./db/pool.ts";
export { embeddedDirectory, embeddedUrl, isEmbeddedUrl } from "./db/embedded-pool.ts";
export { isProcessAlive } from "./db/pid-file.ts";
export { postgresAnswers } from "./db/probe.ts";
export { withTransaction } from "./db/transaction.ts";
export {
  deadLetterJobId,
  type AttemptRecord,
  type DeadLetter,
  type DeadLetterReason,
} from "./dlq/dead-letter.ts";
export { deadLetterFilterSchema, deadLetterWhere, type DeadLetterFilter } from "./dlq/dead-letter-filter.ts";
export {
  countDeadLetters,
  listDeadLetters,
  liveDeadLetterIds,
  matchingDeadLetterIds,
  type DeadLetterPage,
  type DeadLetterSummary,
} from "./dlq/dead-letter-queries.ts";
export { deadLetterPayment, enqueueDeadLetter } from "./dlq/dead-letter-queue.ts";
export { discardDeadLetters } from "./dlq/discard.ts";
export { loadDeadLetter, markDeadLettered, type DeadLetterCause } from "./dlq/dead-letter-store.ts";
export { replayDeadLetter, type ReplayResult } from "./dlq/replay.ts";
export {
  cancelReplayRun,
  countReplayTarget,
  executeReplayRun,
  findReplayRun,
  interruptStaleReplayRuns,
  listReplayRuns,
  MAX_RUN_SIZE,
  startReplayRun,
  type ReplayRun,
  type ReplayRunState,
  type ReplayTarget,
} from "./dlq/replay-runs.ts";
export {
  acceptPayment,
  findReplay,
  type AcceptPaymentRequest,
  type AcceptPaymentResult,
  type StoredResponse,
} from "./idempotency/accept-payment.ts";
export { requestFingerprint } from "./idempotency/fingerprint.ts";
export { captureEntries, type LedgerEntry, type LedgerLeg } from "./ledger/entries.ts";
export { ledgerCaptures, ledgerSums } from "./ledger/ledger-queries.ts";
export { reconcile, type LedgerCapture, type Mismatch, type ReconciliationReport } from "./ledger/reconcile.ts";
export {
  createPaymentSchema,
  DEFAULT_CREATE_PAYMENT_LIMITS,
  type CreatePaymentInput,
  type CreatePaymentLimits,
} from "./payments/create-payment.ts";
export { CURRENCY_EXPONENTS, isSupportedCurrency } from "./payments/currencies.ts";
export {
  isTerminal,
  PAYMENT_STATUSES,
  paymentFromRow,
  PIPELINE_STEPS,
  resumeStep,
  type NotificationStatus,
  type Payment,
  type PaymentRow,
  type PaymentStatus,
  type PipelineStep,
  type RecoveryPoint,
} from "./payments/payment.ts";
export {
  recordCapture,
  recordFailedAttempt,
  settleDeclined,
  type AttemptContext,
} from "./payments/payment-outcomes.ts";
export {
  countPaymentsByStatus,
  findMerchantPayment,
  findPayment,
  touchPayment,
  listMerchantPayments,
  type PaymentPage,
} from "./payments/payment-queries.ts";
export { findPayments, markNotificationsDelivered, PaymentBatches, settleCapturedMany, type CapturedPayment } from "./payments/payment-batches.ts";
export { paymentView, paymentViewSchema, type PaymentView } from "./payments/payment-view.ts";
export { canTransition } from "./payments/transitions.ts";
export {
  PAYQ_BACKOFF,
  QUEUE_NAMES,
  queuePrefix,
  type NotificationJobData,
  type PaymentJobData,
  type QueueRole,
} from "./queues/names.ts";
export { closeQueues, createQueues, enqueuePayment, pipelineJobOptions, type PayqQueues } from "./queues/queues.ts";
export { assertNoEviction, createRedis, primaries, redisAnswers, waitForRedis, type RedisClient, type RedisRole } from "./queues/redis.ts";
export { parseRedisTarget, redisUrlFrom, type RedisTarget } from "./queues/redis-target.ts";
export {
  classifyFailure,
  ERROR_CLASSES,
  type ErrorClass,
  type FailureClass,
  type FailureSignal,
} from "./retry/classify.ts";
export {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryActionFor,
  retryDelayMs,
  type RetryAction,
  type RetryPolicy,
} from "./retry/retry-policy.ts";
export { isStepFailure, StepFailure, toStepFailure } from "./retry/step-failure.ts";
export {
  DEFAULT_TOLERANCE_S,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  type WebhookVerification,
} from "./webhooks/signature.ts";
export { parseWebhookAllowlist, type WebhookAllowlist } from "./webhooks/callback-target.ts";
export {
  vetCallbackUrl,
  vetHost,
  type CallbackTargetPolicy,
  type CallbackTargetVerdict,
  type HostLookup,
} from "./webhooks/vet-callback-url.ts";
