import { v7 as uuidv7 } from "uuid";
import type { Pool } from "../db/pool.ts";
import { withTransaction } from "../db/transaction.ts";
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
  return withTransaction(pool, async (client) => {
    const lock = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0)) AS locked",
      [request.merchantId, request.idempotencyKey],
    );
    if (!lock.rows[0]?.locked) return { kind: "in_use" };

    const existing = await client.query<{
      fingerprint: string;
      payment_id: string;
      response_status: number;
      response_body: unknown;
    }>(
      `SELECT fingerprint, payment_id, response_status, response_body FROM idempotency_keys
        WHERE merchant_id = $1 AND key = $2 AND expires_at > now()`,
      [request.merchantId, request.idempotencyKey],
    );
    const record = existing.rows[0];
    if (record) {
      if (record.fingerprint !== request.fingerprint) return { kind: "key_reused" };
      return {
        kind: "replayed",
        paymentId: record.payment_id,
        response: { status: record.response_status, body: record.response_body },
      };
    }

    const payment = newPayment(request);
    const response = render(payment);
    const inserted = await client.query(
      `WITH payment AS (
         INSERT INTO payments (id, merchant_id, amount, currency, source, description, callback_url, metadata,
                               notification_status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         RETURNING id)
       INSERT INTO idempotency_keys (merchant_id, key, fingerprint, payment_id, response_status, response_body,
                                     created_at, expires_at)
       SELECT $2, $11, $12, payment.id, $13, $14, $10, $10::timestamptz + make_interval(secs => $15) FROM payment
       ON CONFLICT (merchant_id, key) DO UPDATE
          SET fingerprint = EXCLUDED.fingerprint, payment_id = EXCLUDED.payment_id,
              response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
              created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= now()`,
      [
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
    );
    // Under the advisory lock only an expired record can be in the way, and the upsert replaces it.
    if (inserted.rowCount !== 1) throw new Error("idempotency key record was not written");
    return { kind: "created", payment, response };
  });
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
