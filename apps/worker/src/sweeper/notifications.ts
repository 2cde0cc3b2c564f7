import { pipelineJobOptions, type NotificationJobData } from "@payq/shared";
import { LIVE_JOB_STATES, SWEEP_BATCH, type SweeperDeps } from "./sweeper-deps.ts";

/**
 * Every settled payment with a pending webhook must have a live notification job. One that has none
 * (Redis lost it, or the worker died between settling and queueing) is queued again. A webhook may
 * then arrive twice; its event id is stable, so merchants can tell.
 */
export async function sweepNotifications(deps: SweeperDeps): Promise<void> {
  const { rows } = await deps.pool.query<{ id: string }>(
    `SELECT id FROM payments
      WHERE notification_status = 'pending' AND status <> 'accepted'
        AND settled_at < now() - make_interval(secs => $1)
      ORDER BY id LIMIT $2`,
    [deps.staleAfterMs / 1000, SWEEP_BATCH],
  );
  await Promise.all(
    rows.map(async ({ id }) => {
      const job = await deps.queues.notifications.getJob(id);
      const state = job ? await job.getState() : "missing";
      if (LIVE_JOB_STATES.has(state)) return;
      if (job) await job.remove();
      const data: NotificationJobData = { paymentId: id };
      await deps.queues.notifications.add("webhook", data, pipelineJobOptions(id, deps.notifyPolicy));
      deps.metrics.repairs.inc({ kind: "requeued_notification" });
    }),
  );
}
