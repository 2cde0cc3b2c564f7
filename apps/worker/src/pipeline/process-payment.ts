import { DelayedError, RateLimitError, type Job, type Processor } from "bullmq";
import {
  deadLetterPayment,
  resumeStep,
  settleDeclined,
  StepFailure,
  toStepFailure,
  touchPayment,
  type AttemptContext,
  type Payment,
  type PaymentJobData,
  type PipelineStep,
} from "@payq/shared";
import { chargeBank, type Held } from "./charge.ts";
import { failAttempt } from "./failure.ts";
import { postLedger } from "./ledger.ts";
import { queueNotification } from "./notify.ts";
import type { PipelineDeps } from "./pipeline-deps.ts";
import { validatePayment } from "./validate.ts";

export type PaymentJobResult = { outcome: "succeeded" | "declined" | "deadline_exceeded" | "already_settled" | "missing" };
type StepsResult = PaymentJobResult | { outcome: "held"; gate: Held };

/**
 * The payment pipeline: validate → charge → ledger → notify, resumed from the payment's recovery point.
 * Postgres holds every checkpoint, so a retry, a re-run after a crash, or a replay picks up where the
 * last durable step left off.
 */
export function paymentProcessor(deps: PipelineDeps): Processor<PaymentJobData, PaymentJobResult> {
  return async (job, token) => {
    const payment = await deps.store.find(job.data.paymentId);
    if (!payment) {
      deps.logger.error({ paymentId: job.data.paymentId }, "job for a payment that does not exist");
      return { outcome: "missing" };
    }
    if (payment.status !== "accepted") {
      // A re-run after the payment settled: only the notification may still be owed.
      await queueNotification(deps, payment);
      return { outcome: "already_settled" };
    }
    const attempt: AttemptContext = { run: payment.run, attempt: job.attemptsMade + 1, startedAt: new Date() };
    deps.metrics.paymentAttempts.inc({ attempt: job.attemptsMade === 0 ? "first" : "retry" });
    if (Date.now() - payment.createdAt.getTime() > deps.deadlineMs) return expire(deps, payment);
    if (Date.now() - payment.updatedAt.getTime() > deps.touchAfterMs) await touchPayment(deps.pool, payment.id);

    let result: StepsResult;
    try {
      result = await runSteps(deps, payment, attempt);
    } catch (error) {
      const failure = toStepFailure(resumeStep(payment.recoveryPoint), error);
      return failAttempt(deps, job as Job<PaymentJobData>, payment, failure, attempt);
    }
    if (result.outcome === "held") return hold(deps, job as Job<PaymentJobData>, token, result.gate);
    return result;
  };
}

/**
 * The bank's breaker or the retry budget held the charge back. Neither may cost the payment an attempt
 * or send it to the DLQ: an open breaker rate-limits the whole queue until it may half-open (no worker
 * fetches a payment meanwhile), and a spent budget delays this one job until a token accrues.
 */
async function hold(deps: PipelineDeps, job: Job<PaymentJobData>, token: string | undefined, gate: Held): Promise<never> {
  if (gate.reason === "retry_budget") {
    await job.moveToDelayed(Date.now() + gate.retryAfterMs, token);
    throw new DelayedError();
  }
  await deps.queues.payments.rateLimit(gate.retryAfterMs);
  throw new RateLimitError();
}

async function runSteps(deps: PipelineDeps, payment: Payment, attempt: AttemptContext): Promise<StepsResult> {
  /** Runs one step, timing it and tagging whatever it throws with the step's name. */
  const timed = async <T>(step: PipelineStep, work: () => Promise<T> | T): Promise<T> => {
    const stop = deps.metrics.stepDuration.startTimer({ step });
    try {
      return await work();
    } catch (error) {
      throw toStepFailure(step, error);
    } finally {
      stop();
    }
  };
  let chargeId: string;
  if (payment.recoveryPoint === "started") {
    await timed("validate", () => validatePayment(payment));
    const outcome = await timed("charge", () => chargeBank(deps, payment, attempt));
    if (outcome.kind === "wait") return { outcome: "held", gate: outcome };
    if (outcome.kind === "declined") {
      if (await settleDeclined(deps.pool, payment.id, outcome.code, attempt)) {
        deps.metrics.settled.inc({ outcome: "declined" });
      }
      await timed("notify", () => queueNotification(deps, payment));
      return { outcome: "declined" };
    }
    chargeId = outcome.chargeId;
  } else {
    chargeId = recordedCharge(payment);
  }
  if (await timed("ledger", () => postLedger(deps, payment, chargeId, attempt))) {
    deps.metrics.settled.inc({ outcome: "succeeded" });
  }
  await timed("notify", () => queueNotification(deps, payment));
  return { outcome: "succeeded" };
}

/** An open payment past "started" was captured: the schema guarantees its charge id is on record. */
function recordedCharge(payment: Payment): string {
  if (payment.chargeId === null) throw new StepFailure("ledger", "permanent", "charge_missing", `payment ${payment.id} has no charge on record`);
  return payment.chargeId;
}

/** Past its deadline, an open payment stops retrying and waits for an operator in the DLQ. */
async function expire(deps: PipelineDeps, payment: Payment): Promise<PaymentJobResult> {
  const letter = await deadLetterPayment(deps, payment.id, payment.run, {
    reason: "deadline_exceeded",
    errorClass: "permanent",
    errorCode: "deadline_exceeded",
    errorMessage: `payment still open ${deps.deadlineMs} ms after it was accepted`,
    failedStep: resumeStep(payment.recoveryPoint),
  });
  if (letter) deps.metrics.settled.inc({ outcome: "dead_lettered" });
  return { outcome: "deadline_exceeded" };
}
