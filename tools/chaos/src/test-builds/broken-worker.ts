/**
 * A TEST BUILD of the worker, broken on purpose so the chaos checker can prove it catches the bug. Only
 * `pnpm chaos --broken <name>` runs it; the worker's real entry point has no such switch.
 */
import { randomUUID } from "node:crypto";
import { createLogger, exitOnStartupError, stopOnSignals } from "@payq/runtime";
import { pipelineJobOptions } from "@payq/shared";
import { loadWorkerEnv, REAL_PARTS, startWorker, type WorkerSeams } from "@payq/worker";

const BROKEN: Record<string, Partial<WorkerSeams>> = {
  // A bank client that makes up a new idempotency key on every attempt: a retry after a lost answer
  // charges the card again.
  "fresh-charge-keys": { chargeKey: () => `broken-${randomUUID()}` },
  // A sweeper that does not look for a live job, and queues a second one beside it under a new job id.
  "sweeper-requeues-live": {
    repairOpenPayment: async (deps, payment) => {
      const data = { paymentId: payment.id, run: payment.run };
      await deps.queues.payments.add("payment", data, pipelineJobOptions(`${payment.id}-${randomUUID()}`, deps.retryPolicy));
    },
  },
};

const logger = createLogger({ name: "worker", level: process.env.LOG_LEVEL });
const broken = BROKEN[process.env.PAYQ_TEST_BROKEN ?? ""];
try {
  if (!broken) throw new Error(`PAYQ_TEST_BROKEN must name one of: ${Object.keys(BROKEN).join(", ")}`);
  const env = loadWorkerEnv();
  const worker = await startWorker(env, logger, { ...REAL_PARTS, ...broken });
  logger.warn({ broken: process.env.PAYQ_TEST_BROKEN }, "BROKEN TEST BUILD of the worker running");
  stopOnSignals(logger, worker.stop, env.BANK_TIMEOUT_MS + 5_000);
} catch (error) {
  exitOnStartupError(logger, error);
}
