import type { PipelineStep } from "../payments/payment.ts";
import { classifyFailure, type ErrorClass, type FailureSignal } from "./classify.ts";

const brand = Symbol.for("payq.StepFailure");

/** A failed pipeline step, classified. Thrown by a step, read by the retry policy and the dead-letter record. */
export class StepFailure extends Error {
  readonly [brand] = true;
  override readonly name = "StepFailure";
  readonly errorClass: ErrorClass;

  constructor(
    readonly step: PipelineStep,
    errorClass: ErrorClass,
    /** A stable, machine-readable code, e.g. `bank_http_503` or `pg_08006`. */
    readonly code: string,
    message: string,
    /** The dependency's own floor for the next try (Retry-After), if it gave one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.errorClass = errorClass;
  }
}

export function isStepFailure(error: unknown): error is StepFailure {
  return typeof error === "object" && error !== null && brand in error;
}

/** Turns anything a step threw into a classified StepFailure. */
export function toStepFailure(step: PipelineStep, error: unknown): StepFailure {
  if (isStepFailure(error)) return error;
  const { signal, code } = signalOf(error);
  const failureClass = classifyFailure(signal);
  const message = error instanceof Error ? error.message : String(error);
  // A decline only ever comes back as a charge outcome, never as a thrown error.
  const errorClass: ErrorClass = failureClass === "declined" ? "permanent" : failureClass;
  return new StepFailure(step, errorClass, code, message, undefined, { cause: error });
}

function signalOf(error: unknown): { signal: FailureSignal; code: string } {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string") {
    // pg's DatabaseError carries a five-character SQLSTATE; Node's system errors carry E-codes.
    if (/^[0-9A-Z]{5}$/.test(code) && "severity" in (error as object)) {
      return { signal: { kind: "sqlstate", code }, code: `pg_${code}` };
    }
    return { signal: { kind: "network", code }, code: code.toLowerCase() };
  }
  return { signal: { kind: "unexpected" }, code: "unexpected" };
}
