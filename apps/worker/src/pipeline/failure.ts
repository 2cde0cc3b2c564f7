import { UnrecoverableError, type Job } from "bullmq";
import {
  deadLetterPayment,
  recordFailedAttempt,
  retryActionFor,
  type AttemptContext,
  type Payment,
  type PaymentJobData,
  type StepFailure,
} from "@payq/shared";
import type { PipelineDeps } from "./pipeline-deps.ts";

/**
 * A step failed: record the try, then either hand the job back to BullMQ to retry (the backoff strategy
 * reads the failure's class) or, when the class is permanent or the attempts are spent, dead-letter the
 * payment and end the job without further retries.
 */
export async function failAttempt(
  deps: PipelineDeps,
  job: Job<PaymentJobData>,
  payment: Payment,
  failure: StepFailure,
  attempt: AttemptContext,
): Promise<never> {
  deps.metrics.failures.inc({ step: failure.step, class: failure.errorClass });
  await recordFailedAttempt(deps.pool, payment.id, failure, attempt);
  const permanent = retryActionFor(failure.errorClass) === "dead_letter";
  const exhausted = attempt.attempt >= (job.opts.attempts ?? 1);
  if (!permanent && !exhausted) throw failure;

  const letter = await deadLetterPayment(deps, payment.id, payment.run, {
    reason: permanent ? "unrecoverable" : "retries_exhausted",
    errorClass: failure.errorClass,
    errorCode: failure.code,
    errorMessage: failure.message,
    errorStack: failure.stack ?? null,
    failedStep: failure.step,
  });
  if (letter) {
    deps.metrics.settled.inc({ outcome: "dead_lettered" });
    deps.logger.warn(
      { paymentId: payment.id, reason: letter.reason, errorClass: letter.errorClass, step: letter.failedStep },
      "payment dead-lettered",
    );
  }
  throw new UnrecoverableError(`${failure.step}: ${failure.message}`);
}
