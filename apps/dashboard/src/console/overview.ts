import {
  countDeadLetters,
  countPaymentsByStatus,
  type BreakerSnapshot,
  type FleetBreakers,
  type PaymentStatus,
  type PayqQueues,
  type Pool,
} from "@payq/shared";
import { duration } from "../views/format.ts";

export interface AlertThresholds {
  dlqDepth: number;
  dlqAgeMs: number;
  breakerOpenMs: number;
}

export interface BreakerView extends BreakerSnapshot {
  /** When it last left closed, if it is not closed now. */
  troubledSince: number | null;
}

export interface Overview {
  payments: Record<PaymentStatus, number>;
  settledPerSecond: number;
  retriesPerSecond: number;
  dlq: { depth: number; queued: number; oldestAt: Date | null };
  breakers: BreakerView[];
  alerts: string[];
}

const RATE_WINDOW_S = 60;

export async function breakerViews(breakers: FleetBreakers): Promise<BreakerView[]> {
  const names = await breakers.names();
  return Promise.all(
    names.map(async (name) => ({ ...(await breakers.snapshot(name)), troubledSince: await breakers.troubledSince(name) })),
  );
}

/** Everything the overview page shows, and the alerts its numbers raise. */
export async function loadOverview(
  deps: { pool: Pool; queues: PayqQueues; breakers: FleetBreakers },
  thresholds: AlertThresholds,
): Promise<Overview> {
  const [payments, rates, depth, oldest, queued, breakers] = await Promise.all([
    countPaymentsByStatus(deps.pool),
    deps.pool.query<{ settled: string; retries: string }>(
      `SELECT (SELECT count(*) FROM payments WHERE settled_at > now() - make_interval(secs => $1)) AS settled,
              (SELECT count(*) FROM payment_attempts WHERE outcome = 'failed' AND finished_at > now() - make_interval(secs => $1)) AS retries`,
      [RATE_WINDOW_S],
    ),
    countDeadLetters(deps.pool, {}),
    deps.pool.query<{ oldest: Date | null }>(
      `SELECT min(d.dead_lettered_at) AS oldest FROM dead_letters d JOIN payments p ON p.id = d.payment_id
        WHERE d.discarded_at IS NULL AND p.status = 'dead_lettered'`,
    ),
    deps.queues.paymentsDeadLetter.getJobCounts("waiting", "delayed", "prioritized"),
    breakerViews(deps.breakers),
  ]);
  const oldestAt = oldest.rows[0]?.oldest ?? null;
  const now = Date.now();
  const alerts: string[] = [];
  if (depth >= thresholds.dlqDepth) alerts.push(`${depth} dead letters waiting (alert at ${thresholds.dlqDepth})`);
  if (oldestAt && now - oldestAt.getTime() >= thresholds.dlqAgeMs) {
    alerts.push(`the oldest dead letter has waited ${duration(now - oldestAt.getTime())} (alert at ${duration(thresholds.dlqAgeMs)})`);
  }
  for (const breaker of breakers) {
    if (breaker.troubledSince !== null && now - breaker.troubledSince >= thresholds.breakerOpenMs) {
      alerts.push(`breaker ${breaker.name} has not been closed for ${duration(now - breaker.troubledSince)}`);
    }
  }
  return {
    payments,
    settledPerSecond: Number(rates.rows[0]?.settled ?? 0) / RATE_WINDOW_S,
    retriesPerSecond: Number(rates.rows[0]?.retries ?? 0) / RATE_WINDOW_S,
    dlq: { depth, queued: Object.values(queued).reduce((a, b) => a + b, 0), oldestAt },
    breakers,
    alerts,
  };
}
