import { randomUUID } from "node:crypto";

/** What the client saw for one payment it meant to make. */
export interface Sent {
  idempotencyKey: string;
  sentAt: number;
  /** The final HTTP status after the client's own retries; 0 when it never got an answer. */
  status: number;
  /** The payment id in the answer (2xx only). */
  paymentId: string | null;
  /** Every payment id any copy or retry of this request was answered with. */
  answeredIds: string[];
  latencyMs: number;
}

export interface WorkloadOptions {
  producerUrl: string;
  apiKey: string;
  callbackUrl: string;
  payments: number;
  /** Spread over this long, so faults land on a running system. */
  durationMs: number;
  /** Each payment is sent this many times at once, with the same key and body. */
  copies: number;
  random: () => number;
  signal: AbortSignal;
}

const CLIENT_TIMEOUT_MS = 10_000;
/** A careful client retries 5xx, 409 and network errors with the same key, as the API asks: over ~15 s. */
const CLIENT_ATTEMPTS = 6;
const IN_FLIGHT_LIMIT = 200;

/** Sends payments through the real HTTP API at an even pace and records every answer. */
export async function runWorkload(options: WorkloadOptions): Promise<Sent[]> {
  const sent: Sent[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  for (let i = 0; i < options.payments && !options.signal.aborted; i += 1) {
    const due = started + (i * options.durationMs) / options.payments;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= IN_FLIGHT_LIMIT) await Promise.race(inFlight);
    const task = sendPayment(options, i).then((record) => void sent.push(record));
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);
  return sent;
}

async function sendPayment(options: WorkloadOptions, index: number): Promise<Sent> {
  const idempotencyKey = `chaos-${index}-${randomUUID()}`;
  const body = JSON.stringify({
    amount: 100 + Math.floor(options.random() * 99_900),
    currency: options.random() < 0.8 ? "USD" : "EUR",
    // One in twenty is declined by the bank: an outcome, not a failure.
    source: options.random() < 0.05 ? "tok_decline" : "tok_visa",
    callbackUrl: options.callbackUrl,
  });
  const sentAt = Date.now();
  const copies = await Promise.all(Array.from({ length: options.copies }, () => sendWithRetries(options, idempotencyKey, body)));
  // The client is done with the first copy that was accepted; the others only prove idempotency.
  const accepted = copies.filter((copy) => copy.status >= 200 && copy.status < 300).sort((a, b) => a.doneAt - b.doneAt);
  const best = accepted[0] ?? copies[0]!;
  return {
    idempotencyKey,
    sentAt,
    status: best.status,
    paymentId: best.paymentId,
    answeredIds: copies.flatMap((copy) => copy.ids),
    latencyMs: best.doneAt - sentAt,
  };
}

async function sendWithRetries(
  options: WorkloadOptions,
  idempotencyKey: string,
  body: string,
): Promise<{ status: number; paymentId: string | null; ids: string[]; doneAt: number }> {
  const ids: string[] = [];
  let status = 0;
  for (let attempt = 1; attempt <= CLIENT_ATTEMPTS; attempt += 1) {
    try {
      const response = await fetch(`${options.producerUrl}/v1/payments`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          "idempotency-key": idempotencyKey,
          "content-type": "application/json",
        },
        body,
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(CLIENT_TIMEOUT_MS)]),
      });
      status = response.status;
      const answer = (await response.json().catch(() => ({}))) as { id?: unknown };
      if (typeof answer.id === "string" && status < 300) ids.push(answer.id);
      if (status < 500 && status !== 409) break;
    } catch {
      status = 0;
      if (options.signal.aborted) break;
    }
    if (attempt < CLIENT_ATTEMPTS) await sleep(250 * 2 ** attempt);
  }
  return { status, paymentId: status >= 200 && status < 300 ? (ids.at(-1) ?? null) : null, ids, doneAt: Date.now() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
