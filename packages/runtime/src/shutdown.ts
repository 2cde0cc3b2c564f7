import type { Logger } from "pino";

/**
 * Stops the process cleanly on SIGTERM or SIGINT: `stop` gets `timeoutMs` to drain, then the process
 * exits anyway, so an orchestrator's kill never finds it half-stopped.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>, timeoutMs = 10_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, "shutdown timed out; exiting");
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    stop().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}

/** Logs a startup failure as one readable line and exits non-zero. */
export function exitOnStartupError(logger: Logger, error: unknown): never {
  logger.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
