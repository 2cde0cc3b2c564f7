import express, { Router, type Request, type Response } from "express";
import type { z } from "zod";
import type { Queue } from "bullmq";
import { apiError, type Logger } from "@payq/runtime";
import {
  acceptPayment,
  createPaymentSchema,
  enqueuePayment,
  findMerchantPayment,
  findReplay,
  listMerchantPayments,
  paymentView,
  requestFingerprint,
  vetCallbackUrl,
  type CallbackTargetPolicy,
  type CreatePaymentLimits,
  type Pool,
  type RetryPolicy,
  type StoredResponse,
} from "@payq/shared";
import type { ProducerMetrics } from "../metrics.ts";
import type { IdempotencyLocals } from "../middleware/idempotency-key.ts";
import { requireIdempotencyKey } from "../middleware/idempotency-key.ts";
import type { MerchantLocals } from "../middleware/authenticate.ts";
import { requireJson } from "../middleware/require-json.ts";
import { BODY_LIMIT, isPaymentId, listQuerySchema, type PaymentList } from "./payment-schemas.ts";

export interface PaymentRoutesDeps {
  pool: Pool;
  paymentsQueue: Queue;
  logger: Logger;
  metrics: ProducerMetrics;
  limits: CreatePaymentLimits;
  retryPolicy: RetryPolicy;
  idempotencyKeyTtlMs: number;
  /** How long a request waits for Redis before leaving the payment to the outbox sweeper. */
  enqueueTimeoutMs: number;
  /** Where a callbackUrl may point; the worker checks again when it delivers. */
  callbackTargets: CallbackTargetPolicy;
}

const paymentLocation = (id: string) => `/v1/payments/${id}`;
const fieldErrors = (error: z.ZodError) =>
  error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message }));

type Locals = MerchantLocals & IdempotencyLocals;

export function paymentRoutes(deps: PaymentRoutesDeps): Router {
  const router = Router();
  const schema = createPaymentSchema(deps.limits);
  /** The key's first answer, again, marked as a replay. */
  const replay = (res: Response, paymentId: string, response: StoredResponse) => {
    deps.metrics.idempotentReplays.inc();
    return res.status(response.status).set("Idempotent-Replayed", "true").location(paymentLocation(paymentId)).json(response.body);
  };

  router.post(
    "/v1/payments",
    requireJson,
    requireIdempotencyKey,
    express.json({ limit: BODY_LIMIT }),
    async (req: Request, res: Response<unknown, Locals>) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        return res
          .status(400)
          .json(apiError("validation_failed", "the payment is not valid", fieldErrors(parsed.error)));
      }
      const { merchantId, idempotencyKey } = res.locals;
      const key = { merchantId, idempotencyKey, fingerprint: requestFingerprint("POST /v1/payments", parsed.data) };
      // Refused before anything is stored: a webhook must not become a way into our own network. A
      // refusal is final only for a request never accepted: the same key and body that were accepted
      // get their first answer back, whatever the URL resolves to now.
      if (parsed.data.callbackUrl) {
        const target = await vetCallbackUrl(parsed.data.callbackUrl, deps.callbackTargets);
        if (!target.ok) {
          const earlier = await findReplay(deps.pool, key);
          if (earlier) return replay(res, earlier.paymentId, earlier.response);
          return res.status(400).json(apiError(target.code, target.reason));
        }
      }
      const result = await acceptPayment(
        deps.pool,
        { ...key, input: parsed.data, keyTtlMs: deps.idempotencyKeyTtlMs },
        (payment) => ({ status: 202, body: paymentView(payment) }),
      );
      switch (result.kind) {
        case "created":
          deps.metrics.accepted.inc();
          await enqueue(deps, result.payment.id);
          return res.status(202).location(paymentLocation(result.payment.id)).json(result.response.body);
        case "replayed":
          return replay(res, result.paymentId, result.response);
        case "in_use":
          return res
            .status(409)
            .json(apiError("idempotency_key_in_use", "a request with this Idempotency-Key is in progress; retry shortly"));
        case "key_reused":
          return res
            .status(422)
            .json(
              apiError("idempotency_key_reused", "this Idempotency-Key was already used with different parameters"),
            );
      }
    },
  );

  router.get("/v1/payments/:id", async (req: Request<{ id: string }>, res: Response<unknown, MerchantLocals>) => {
    const payment = isPaymentId(req.params.id)
      ? await findMerchantPayment(deps.pool, res.locals.merchantId, req.params.id)
      : null;
    if (!payment) return res.status(404).json(apiError("payment_not_found", "no such payment"));
    return res.json(paymentView(payment));
  });

  router.get("/v1/payments", async (req: Request, res: Response<unknown, MerchantLocals>) => {
    const query = listQuerySchema.safeParse(req.query);
    if (!query.success) {
      return res.status(400).json(apiError("invalid_query", "the query is not valid", fieldErrors(query.error)));
    }
    const page = await listMerchantPayments(deps.pool, {
      merchantId: res.locals.merchantId,
      status: query.data.status,
      limit: query.data.limit,
      after: query.data.cursor,
    });
    const list: PaymentList = {
      object: "list",
      data: page.payments.map(paymentView),
      hasMore: page.nextAfter !== null,
      nextCursor: page.nextAfter && Buffer.from(page.nextAfter).toString("base64url"),
    };
    return res.json(list);
  });

  return router;
}

/**
 * The payment is already durable, so a Redis failure here must not fail the request: it is logged,
 * counted, and the outbox sweeper enqueues the payment once Redis is back.
 */
async function enqueue(deps: PaymentRoutesDeps, paymentId: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      enqueuePayment(deps.paymentsQueue, { paymentId, run: 0 }, deps.retryPolicy),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`enqueue timed out after ${deps.enqueueTimeoutMs} ms`)), deps.enqueueTimeoutMs);
      }),
    ]);
  } catch (error) {
    deps.metrics.enqueueFailures.inc();
    deps.logger.warn({ paymentId, err: { message: (error as Error).message } }, "enqueue failed; the sweeper will retry");
  } finally {
    clearTimeout(timer);
  }
}
