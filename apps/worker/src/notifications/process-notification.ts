import { DelayedError, UnrecoverableError, type Processor } from "bullmq";
import { request } from "undici";
import type { Logger } from "@payq/runtime";
import {
  classifyFailure,
  SIGNATURE_HEADER,
  signWebhook,
  type FleetBreakers,
  type NotificationJobData,
  type PaymentBatches,
  type PayqQueues,
  type Pool,
} from "@payq/shared";
import type { WorkerMetrics } from "../metrics.ts";
import { webhookEvent } from "./webhook-event.ts";

export interface NotificationDeps {
  pool: Pool;
  store: PaymentBatches;
  queues: PayqQueues;
  breakers: FleetBreakers;
  logger: Logger;
  metrics: WorkerMetrics;
  webhookSecret: string;
  timeoutMs: number;
}

/**
 * Delivers a settled payment's signed webhook. Each merchant host has its own fleet breaker: while a
 * host is down its webhooks wait as delayed jobs (no attempt used), and payments and other hosts go on.
 * Failures retry on this queue's own schedule; when the attempts run out the notification is
 * dead-lettered. The payment's outcome never changes either way.
 */
export function notificationProcessor(deps: NotificationDeps): Processor<NotificationJobData> {
  return async (job, token) => {
    const payment = await deps.store.find(job.data.paymentId);
    if (!payment?.callbackUrl || payment.notificationStatus !== "pending") return;
    const body = JSON.stringify(webhookEvent(payment));
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const breaker = `webhook:${new URL(payment.callbackUrl).host}`;
    const gate = await deps.breakers.admit(breaker, { retry: job.attemptsMade > 0 });
    if (gate.kind === "wait") {
      deps.metrics.breakerRejections.inc({ breaker, reason: gate.reason });
      await job.moveToDelayed(Date.now() + gate.retryAfterMs, token);
      throw new DelayedError();
    }
    let failed = true;
    try {
      const response = await request(payment.callbackUrl, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signWebhook(deps.webhookSecret, body) },
        body,
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
      });
      await response.body.dump();
      if (response.statusCode >= 300) {
        const permanent = classifyFailure({ kind: "http_status", status: response.statusCode }) === "permanent";
        failed = !permanent;
        throw Object.assign(new Error(`merchant endpoint answered ${response.statusCode}`), { permanent });
      }
      failed = false;
    } catch (error) {
      deps.metrics.notifications.inc({ outcome: "failed" });
      if (!lastAttempt && !(error as { permanent?: boolean }).permanent) throw error;
      await deadLetterNotification(deps, payment.id, payment.callbackUrl, error as Error, job.attemptsMade + 1);
      throw new UnrecoverableError((error as Error).message);
    } finally {
      await deps.breakers.record(gate.ticket, { failed });
    }
    await deps.store.notificationDelivered(payment.id);
    deps.metrics.notifications.inc({ outcome: "delivered" });
  };
}

async function deadLetterNotification(
  deps: NotificationDeps,
  paymentId: string,
  callbackUrl: string,
  error: Error,
  attempts: number,
): Promise<void> {
  await deps.pool.query(
    "UPDATE payments SET notification_status = 'dead_lettered' WHERE id = $1 AND notification_status = 'pending'",
    [paymentId],
  );
  await deps.queues.notificationsDeadLetter.add(
    "dead-letter",
    { paymentId, host: new URL(callbackUrl).host, error: error.message, attempts, deadLetteredAt: new Date().toISOString() },
    { jobId: paymentId, removeOnComplete: false, removeOnFail: false },
  );
  deps.logger.warn({ paymentId, attempts }, "webhook dead-lettered");
}
