import type { Logger } from "@payq/runtime";
import {
  executeReplayRun,
  interruptStaleReplayRuns,
  startReplayRun,
  type PayqQueues,
  type Pool,
  type ReplayRun,
  type ReplayTarget,
  type RetryPolicy,
} from "@payq/shared";

/** A run whose process has been silent this long is taken to be gone. */
const STALE_RUN_MS = 60_000;

/**
 * Bulk replays started from this dashboard, carried out in the background so the request that starts
 * one returns at once; progress lives in Postgres, so any instance can show or cancel it.
 */
export class Replays {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: { pool: Pool; queues: PayqQueues; retryPolicy: RetryPolicy; logger: Logger }) {}

  /** Marks runs orphaned by a dashboard that died as interrupted. */
  async recover(): Promise<void> {
    const interrupted = await interruptStaleReplayRuns(this.deps.pool, STALE_RUN_MS);
    if (interrupted) this.deps.logger.warn({ interrupted }, "replay runs left running by a stopped dashboard were interrupted");
  }

  async start(actor: string, target: ReplayTarget, ratePerSecond: number): Promise<ReplayRun> {
    const run = await startReplayRun(this.deps.pool, { actor, target, ratePerSecond });
    this.deps.logger.info({ run: run.id, actor, total: run.total, ratePerSecond }, "replay run started");
    const execution = executeReplayRun(this.deps, run.id)
      .then((final) => this.deps.logger.info({ run: final.id, state: final.state, replayed: final.replayed, skipped: final.skipped, failed: final.failed }, "replay run ended"))
      .catch((error: unknown) => this.deps.logger.error({ err: error, run: run.id }, "replay run failed"))
      .finally(() => this.inFlight.delete(execution));
    this.inFlight.add(execution);
    return run;
  }

  /** Lets runs in progress finish their current payment; what remains is marked interrupted at next start. */
  async stop(): Promise<void> {
    await Promise.race([Promise.all(this.inFlight), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }
}
