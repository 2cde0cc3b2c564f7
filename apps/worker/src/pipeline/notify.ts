import { pipelineJobOptions, type NotificationJobData, type Payment } from "@payq/shared";
import type { PipelineDeps } from "./pipeline-deps.ts";

/**
 * Step 4. Hands the outcome to the notifications queue, which delivers the webhook with its own retries
 * and dead letters: a merchant endpoint that is down never holds up or changes the payment.
 */
export async function queueNotification(deps: PipelineDeps, payment: Payment): Promise<void> {
  if (!payment.callbackUrl || payment.notificationStatus !== "pending") return;
  const data: NotificationJobData = { paymentId: payment.id };
  await deps.queues.notifications.add("webhook", data, pipelineJobOptions(payment.id, deps.notifyPolicy));
}
