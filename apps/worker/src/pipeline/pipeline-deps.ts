import type { Logger } from "@payq/runtime";
import type { FleetBreakers, PaymentBatches, PayqQueues, Pool, RetryPolicy } from "@payq/shared";
import type { BankClient } from "../bank/bank-client.ts";
import type { WorkerMetrics } from "../metrics.ts";

export interface PipelineDeps {
  pool: Pool;
  /** The hot statements, batched across this process's jobs. */
  store: PaymentBatches;
  queues: PayqQueues;
  bank: BankClient;
  breakers: FleetBreakers;
  logger: Logger;
  metrics: WorkerMetrics;
  retryPolicy: RetryPolicy;
  notifyPolicy: RetryPolicy;
  /** A payment still open this long after acceptance is dead-lettered as `deadline_exceeded`. */
  deadlineMs: number;
  /** A job that starts on a payment untouched this long marks it as being worked on (see the sweeper). */
  touchAfterMs: number;
}
