import { createLogger, exitOnStartupError, stopOnSignals } from "@payq/runtime";
import { loadWorkerEnv } from "./env.ts";
import { startWorker } from "./start.ts";

const logger = createLogger({ name: "worker", level: process.env.LOG_LEVEL });

try {
  const env = loadWorkerEnv();
  const worker = await startWorker(env, logger);
  logger.info({ port: worker.port, concurrency: env.WORKER_CONCURRENCY, prefix: env.QUEUE_PREFIX }, "worker running");
  // Long enough to let an in-flight bank call finish rather than cut it off mid-charge.
  stopOnSignals(logger, worker.stop, env.BANK_TIMEOUT_MS + 5_000);
} catch (error) {
  exitOnStartupError(logger, error);
}
