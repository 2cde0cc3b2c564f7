import { randomUUID } from "node:crypto";
import { sweepDeadLetters } from "./dead-letters.ts";
import { reapIdempotencyKeys } from "./idempotency-keys.ts";
import { sweepNotifications } from "./notifications.ts";
import { sweepOpenPayments } from "./open-payments.ts";
import type { SweeperDeps } from "./sweeper-deps.ts";

/** Deletes the lock only if this process still holds it. */
const RELEASE_LOCK = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

/** Every this many passes, the DLQ is compared entry by entry even when the counts agree. */
const FULL_DLQ_CHECK_EVERY = 12;
/** Extends the lock only if this process still holds it. */
const EXTEND_LOCK = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`;
/**
 * Short, and renewed while a pass runs: a process killed mid-pass holds up the fleet's sweeps for at
 * most this long (found by the chaos harness: with a minute-long lock, one SIGKILL stopped all repair
 * for up to a minute).
 */
const LOCK_TTL_MS = 5_000;

export interface Sweeper {
  /** Runs one pass now (if this process holds the fleet's sweep lock). */
  sweepOnce(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Repairs drift between Postgres (the record) and Redis (the queues), every `intervalMs`.
 * Any number of workers run one; a lock in Redis keeps two passes from overlapping.
 */
export function startSweeper(deps: SweeperDeps, intervalMs: number): Sweeper {
  const owner = randomUUID();
  const lockKey = `${deps.queues.payments.opts.prefix ?? "bull"}:sweeper:lock`;
  let cursor: string | null = null;
  let passes = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const sweepOnce = async (): Promise<boolean> => {
    const acquired = await deps.redis.set(lockKey, owner, "PX", LOCK_TTL_MS, "NX");
    if (acquired !== "OK") return false;
    passes += 1;
    const renew = setInterval(() => {
      deps.redis.eval(EXTEND_LOCK, 1, lockKey, owner, LOCK_TTL_MS).catch(() => undefined);
    }, LOCK_TTL_MS / 3);
    try {
      await runTasks();
    } finally {
      clearInterval(renew);
      await deps.redis.eval(RELEASE_LOCK, 1, lockKey, owner);
    }
    return true;
  };

  const runTasks = async () => {
    const tasks: [string, () => Promise<unknown>][] = [
      ["open payments", async () => (cursor = await sweepOpenPayments(deps, cursor))],
      ["dead letters", () => sweepDeadLetters(deps, passes % FULL_DLQ_CHECK_EVERY === 1)],
      ["notifications", () => sweepNotifications(deps)],
      ["idempotency keys", () => reapIdempotencyKeys(deps)],
    ];
    for (const [name, task] of tasks) {
      // One failing task (Redis or Postgres briefly gone) must not stop the others or the loop.
      await task().catch((error: unknown) => deps.logger.warn({ err: error, task: name }, "sweep task failed"));
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweepOnce()
        .catch((error: unknown) => deps.logger.warn({ err: error }, "sweep failed"))
        .finally(schedule);
    }, intervalMs);
  };
  schedule();

  return {
    sweepOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
