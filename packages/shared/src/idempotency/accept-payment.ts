import { v7 as uuidv7 } from "uuid";
import type { Pool, Queryable } from "../db/pool.ts";
import type { CreatePaymentInput } from "../payments/create-payment.ts";
import { paymentFromRow, type Payment, type PaymentRow } from "../payments/payment.ts";

/** The response first given for a key: replays get it back byte for byte. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface AcceptPaymentRequest {
  merchantId: string;
  idempotencyKey: string;
  fingerprint: string;
  input: CreatePaymentInput;
  /** How long the key is remembered. */
  keyTtlMs: number;
}

export type AcceptPaymentResult =
  | { kind: "created"; payment: Payment; response: StoredResponse }
  | { kind: "replayed"; paymentId: string; response: StoredResponse }
  /** Another request with this key is being handled right now. */
  | { kind: "in_use" }
  /** The key was used before with different parameters. */
  | { kind: "key_reused" };

/**
 * Records a new payment and its idempotency key in one transaction, or answers from the key's record.
 *
 * The in-flight lock is a transaction-scoped advisory lock on (merchant, key). The payment and its key
 * commit together, so there is no half-done state to lock across transactions: a lock held means a
 * request is inside this function, and it vanishes with its transaction even if the process dies.
 */
export async function acceptPayment(
  pool: Pool,
  request: AcceptPaymentRequest,
  render: (payment: Payment) => StoredResponse,
): Promise<AcceptPaymentResult> {
  const payment = newPayment(request);
  const response = render(payment);
  // One round trip: the lock, the lookup and the inserts run in the database (migration 0003).
  const { rows } = await pool.query<{
    outcome: "created" | "replayed" | "in_use" | "key_reused";
    out_payment_id: string | null;
    out_response_status: number | null;
    out_response_body: unknown;
  }>({
    name: "payq-accept-payment",
    text: "SELECT * FROM accept_payment($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    values: [
    payment.id,
    payment.merchantId,
    payment.amount,
    payment.currency,
    payment.source,
    payment.description,
    payment.callbackUrl,
    payment.metadata,
    payment.notificationStatus,
    payment.createdAt,
    request.idempotencyKey,
    request.fingerprint,
    response.status,
    JSON.stringify(response.body),
      request.keyTtlMs / 1000,
    ],
  });
  const row = rows[0];
  switch (row?.outcome) {
    case "created":
      return { kind: "created", payment, response };
    case "replayed":
      return {
        kind: "replayed",
        paymentId: row.out_payment_id!,
        response: { status: row.out_response_status!, body: row.out_response_body },
      };
    case "in_use":
      return { kind: "in_use" };
    case "key_reused":
      return { kind: "key_reused" };
    case undefined:
      throw new Error("accept_payment returned no outcome");
  }
}

function newPayment(request: AcceptPaymentRequest): Payment {
  const now = new Date();
  const { input } = request;
  const row: PaymentRow = {
    id: uuidv7(),
    merchant_id: request.merchantId,
    amount: input.amount,
    currency: input.currency,
    source: input.source,
    description: input.description ?? null,
    callback_url: input.callbackUrl ?? null,
    metadata: input.metadata ?? {},
    status: "accepted",
    recovery_point: "started",
    charge_id: null,
    decline_code: null,
    attempts: 0,
    run: 0,
    notification_status: input.callbackUrl ? "pending" : null,
    created_at: now,
    updated_at: now,
    settled_at: null,
  };
  return paymentFromRow(row);
}

/**
 * The stored answer for a request this key already accepted with this fingerprint, if the key is still
 * remembered: for a replay that must get its first answer back although a check that runs before
 * `acceptPayment` (the callbackUrl's DNS, say) would now refuse it.
 */
export async function findReplay(
  db: Queryable,
  key: Pick<AcceptPaymentRequest, "merchantId" | "idempotencyKey" | "fingerprint">,
): Promise<{ paymentId: string; response: StoredResponse } | null> {
  const { rows } = await db.query<{ payment_id: string; response_status: number; response_body: unknown }>(
    `SELECT payment_id, response_status, response_body FROM idempotency_keys
      WHERE merchant_id = $1 AND key = $2 AND fingerprint = $3 AND expires_at > now()`,
    [key.merchantId, key.idempotencyKey, key.fingerprint],
  );
  const row = rows[0];
  return row ? { paymentId: row.payment_id, response: { status: row.response_status, body: row.response_body } } : null;
}
