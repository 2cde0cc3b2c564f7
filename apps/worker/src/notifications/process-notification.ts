import { DelayedError, UnrecoverableError, type Job, type Processor } from "bullmq";
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
import { WebhookTargetRefused, WebhookTargetUnresolvable, type WebhookTargets } from "./webhook-targets.ts";

export interface NotificationDeps {
  pool: Pool;
  store: PaymentBatches;
  queues: PayqQueues;
  breakers: FleetBreakers;
  logger: Logger;
  metrics: WorkerMetrics;
  webhookSecret: string;
  timeoutMs: number;
  targets: WebhookTargets;
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
    // Checked again at delivery, not only at accept: the host may resolve somewhere else by now. A
    // refused target never reaches the breaker or the network. A host that does not resolve is the host
    // failing, like one that refuses connections: the delivery goes ahead, fails to connect, and the
    // host's breaker counts it, so a merchant's DNS outage holds its webhooks instead of using them up.
    const { callbackUrl } = payment;
    await deps.targets.check(callbackUrl).catch((error: unknown) =>
      error instanceof WebhookTargetUnresolvable ? undefined : failDelivery(deps, job, callbackUrl, error),
    );
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
        dispatcher: deps.targets.dispatcher,
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
      await failDelivery(deps, job, payment.callbackUrl, error);
    } finally {
      await deps.breakers.record(gate.ticket, { failed });
    }
    await deps.store.notificationDelivered(payment.id);
    deps.metrics.notifications.inc({ outcome: "delivered" });
  };
}

/**
 * Counts a failed delivery, then throws: the error itself, to be retried, or, when it is permanent or
 * the attempts are spent, an UnrecoverableError once the notification is dead-lettered.
 */
async function failDelivery(deps: NotificationDeps, job: Job<NotificationJobData>, callbackUrl: string, error: unknown): Promise<never> {
  const refused = error instanceof WebhookTargetRefused;
  deps.metrics.notifications.inc({ outcome: refused ? "refused" : "failed" });
  // The host and the reason only: the URL's path and query may carry the merchant's secrets.
  if (refused) deps.logger.warn({ paymentId: job.data.paymentId, host: new URL(callbackUrl).host, reason: error.message }, "webhook target refused");
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (!lastAttempt && !(error as { permanent?: boolean }).permanent) throw error;
  await deadLetterNotification(deps, job.data.paymentId, callbackUrl, error as Error, job.attemptsMade + 1);
  throw new UnrecoverableError((error as Error).message);
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
