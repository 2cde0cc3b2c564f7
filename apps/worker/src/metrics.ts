import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { PayqQueues } from "@payq/shared";

const WAITING_STATES = ["waiting", "delayed", "prioritized"] as const;
const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized"] as const;

export function createWorkerMetrics(queues: PayqQueues) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "payq_worker_" });
  return {
    registry,
    settled: new Counter({
      name: "payq_payments_settled_total",
      help: "Payments that reached a terminal state, by outcome",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: "payq_step_duration_seconds",
      help: "Duration of pipeline steps",
      labelNames: ["step"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    failures: new Counter({
      name: "payq_step_failures_total",
      help: "Failed step attempts by step and error class (each is retried unless dead-lettered)",
      labelNames: ["step", "class"],
      registers: [registry],
    }),
    notifications: new Counter({
      name: "payq_notifications_total",
      help: "Webhook delivery attempts by outcome",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    repairs: new Counter({
      name: "payq_sweeper_repairs_total",
      help: "Disagreements between Postgres and Redis the sweeper repaired, by kind",
      labelNames: ["kind"],
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: "payq_breaker_state",
      help: "Breaker state as this worker last saw it: 0 closed, 1 half-open, 2 open, 3 forced open, 4 forced closed",
      labelNames: ["breaker"],
      registers: [registry],
    }),
    breakerTransitions: new Counter({
      name: "payq_breaker_transitions_total",
      help: "Breaker transitions this worker's calls made (summed over the fleet, each transition counts once)",
      labelNames: ["breaker", "from", "to"],
      registers: [registry],
    }),
    breakerRejections: new Counter({
      name: "payq_breaker_rejected_total",
      help: "Calls held back by a breaker or the retry budget, by reason; none of them used an attempt",
      labelNames: ["breaker", "reason"],
      registers: [registry],
    }),
    breakerProbes: new Counter({
      name: "payq_breaker_probes_total",
      help: "Half-open probe calls this worker made",
      labelNames: ["breaker"],
      registers: [registry],
    }),
    budgetTokens: new Gauge({
      name: "payq_retry_budget_tokens",
      help: "Retry budget tokens as this worker last saw them",
      labelNames: ["breaker"],
      registers: [registry],
    }),
    breakerStoreErrors: new Counter({
      name: "payq_breaker_store_errors_total",
      help: "Breaker calls that could not reach Redis (handled by BREAKER_STORE_FAILURE_MODE)",
      registers: [registry],
    }),
    dlqDepth: new Gauge({
      name: "payq_dlq_depth",
      help: "Entries in each dead-letter queue",
      labelNames: ["queue"],
      registers: [registry],
      async collect() {
        for (const queue of [queues.paymentsDeadLetter, queues.notificationsDeadLetter]) {
          const counts = await queue.getJobCounts(...WAITING_STATES);
          this.set({ queue: queue.name }, Object.values(counts).reduce((a, b) => a + b, 0));
        }
      },
    }),
    dlqOldestAge: new Gauge({
      name: "payq_dlq_oldest_age_seconds",
      help: "Age of the oldest entry waiting in each dead-letter queue (0 when empty)",
      labelNames: ["queue"],
      registers: [registry],
      async collect() {
        for (const queue of [queues.paymentsDeadLetter, queues.notificationsDeadLetter]) {
          // Oldest first: one job read per queue, whatever the depth.
          const [oldest] = await queue.getJobs(["waiting"], 0, 0, true);
          this.set({ queue: queue.name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
        }
      },
    }),
    queueJobs: new Gauge({
      name: "payq_queue_jobs",
      help: "Jobs in the payments and notifications queues, by state",
      labelNames: ["queue", "state"],
      registers: [registry],
      async collect() {
        for (const queue of [queues.payments, queues.notifications]) {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    }),
    paymentAttempts: new Counter({
      name: "payq_payment_attempts_total",
      help: "Payment jobs started on an open payment: attempt=first for a job's first run, retry for the rest",
      labelNames: ["attempt"],
      registers: [registry],
    }),
    stalledJobs: new Counter({
      name: "payq_jobs_stalled_total",
      help: "Jobs whose lock expired (their worker died or hung) and that BullMQ moved back to run again",
      labelNames: ["queue"],
      registers: [registry],
    }),
    fetchStall: new Gauge({
      name: "payq_worker_fetch_stall_seconds",
      help: "How long jobs have waited while this worker started or finished none (0 when nothing waits)",
      labelNames: ["queue"],
      registers: [registry],
    }),
    workerRecreated: new Counter({
      name: "payq_worker_recreated_total",
      help: "BullMQ workers this process replaced because they stopped fetching while jobs waited",
      labelNames: ["queue"],
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
