import type { PipelineStep } from "../payments/payment.ts";
import type { ErrorClass } from "../retry/classify.ts";

/** Why a payment left the pipeline for the dead-letter queue. */
export type DeadLetterReason =
  | "retries_exhausted"
  | "unrecoverable"
  | "deadline_exceeded"
  /** Its job kept killing workers (BullMQ's stalled-job limit), so it is treated as poison. */
  | "stalled";

export interface AttemptRecord {
  run: number;
  attempt: number;
  step: PipelineStep;
  outcome: "succeeded" | "declined" | "failed";
  errorClass: ErrorClass | null;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string;
  finishedAt: string;
}

/** A dead letter: in Postgres (`dead_letters` + status `dead_lettered`) and as a DLQ job, always both. */
export interface DeadLetter {
  paymentId: string;
  merchantId: string;
  run: number;
  reason: DeadLetterReason;
  errorClass: ErrorClass;
  errorCode: string;
  errorMessage: string;
  errorStack: string | null;
  failedStep: PipelineStep;
  attempts: number;
  deadLetteredAt: string;
  /** Set when an operator decided it will never be replayed; it then leaves the DLQ. */
  discarded?: { at: string; by: string; reason: string } | null;
  /** Every try of the run that ended here, oldest first. */
  history: AttemptRecord[];
}

/**
 * A fresh DLQ job id per run: a payment dead-lettered again after a replay gets a new entry
 * instead of colliding with a stale one (a custom jobId that still exists makes `add` a no-op).
 */
export function deadLetterJobId(paymentId: string, run: number): string {
  return `${paymentId}-r${run}`;
}
