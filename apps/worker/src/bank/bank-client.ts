import { Agent, request, errors } from "undici";
import {
  chargeIdempotencyKey,
  classifyFailure,
  parseRetryAfter,
  StepFailure,
  type Charge,
  type ChargeRequest,
  type FailureSignal,
} from "@payq/shared";

export type ChargeOutcome = { kind: "captured"; chargeId: string } | { kind: "declined"; code: string };

/**
 * The bank's charge API. Every call carries the payment's own idempotency key, so a retry after any
 * failure, ambiguous or not, finds the first capture instead of making a second.
 * Failures are thrown as classified `StepFailure`s of the charge step.
 */
export class BankClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    connections = 64,
    private readonly keyFor: (paymentId: string) => string = chargeIdempotencyKey,
  ) {
    this.agent = new Agent({ connections, connectTimeout: Math.min(timeoutMs, 5_000) });
  }

  async charge(paymentId: string, charge: ChargeRequest): Promise<ChargeOutcome> {
    const response = await request(new URL("/v1/charges", this.baseUrl), {
      method: "POST",
      dispatcher: this.agent,
      headers: { "content-type": "application/json", "idempotency-key": this.keyFor(paymentId) },
      body: JSON.stringify(charge),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    }).catch((error: unknown) => {
      throw failureOf(networkSignal(error), error);
    });
    const text = await response.body.text().catch((error: unknown) => {
      throw failureOf(networkSignal(error), error);
    });
    const status = response.statusCode;
    if (status === 200 || status === 201) return { kind: "captured", chargeId: (JSON.parse(text) as Charge).id };
    const failureClass = classifyFailure({ kind: "http_status", status });
    if (failureClass === "declined") {
      return { kind: "declined", code: (JSON.parse(text) as Charge).declineCode ?? "declined" };
    }
    const retryAfter = response.headers["retry-after"];
    throw new StepFailure(
      "charge",
      failureClass,
      `bank_http_${status}`,
      `bank answered ${status}`,
      parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined),
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function networkSignal(error: unknown): { signal: FailureSignal; code: string } {
  // The request went out and no answer came back in time: it may have been captured.
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return { signal: { kind: "timeout", requestSent: true }, code: "bank_timeout" };
  }
  if (error instanceof errors.ConnectTimeoutError) {
    return { signal: { kind: "timeout", requestSent: false }, code: "bank_connect_timeout" };
  }
  const code = (error as { code?: unknown }).code;
  const name = typeof code === "string" ? code : "unknown";
  return { signal: { kind: "network", code: name }, code: `bank_${name.toLowerCase()}` };
}

function failureOf({ signal, code }: { signal: FailureSignal; code: string }, cause: unknown): StepFailure {
  const failureClass = classifyFailure(signal);
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StepFailure("charge", failureClass === "declined" ? "permanent" : failureClass, code, message, undefined, {
    cause,
  });
}
