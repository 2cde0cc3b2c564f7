import type { ChaosStack } from "./stack.ts";

/** One fault as it happened: when it struck and when it was healed. */
export interface FaultEvent {
  fault: string;
  at: number;
  healedAt: number;
}

export interface FaultContext {
  stack: ChaosStack;
  /** How long the workload runs; fault schedules are laid out along it. */
  durationMs: number;
  random: () => number;
  signal: AbortSignal;
  record(event: FaultEvent): void;
}

export interface Scenario {
  name: string;
  description: string;
  /** Each payment is sent this many times at once (a duplicate storm). */
  copies: number;
  /** How long after the last fault is healed (and the last payment is sent) the system should be quiet. */
  expectedRecoveryMs: number;
  /** Why that expectation, from the configuration. */
  expectation: string;
  faults(ctx: FaultContext): Promise<void>;
}

/** Runs `strike`, waits `forMs` (or until aborted), runs `heal`, and records the fault. */
async function hold(
  ctx: FaultContext,
  fault: string,
  forMs: number,
  strike: () => Promise<void> | void,
  heal: () => Promise<void> | void,
): Promise<void> {
  const at = Date.now();
  await strike();
  await abortableSleep(forMs, ctx.signal);
  await heal();
  ctx.record({ fault, at, healedAt: Date.now() });
}

async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Waits until `fraction` of the workload has gone by. */
const at = (ctx: FaultContext, fraction: number) => abortableSleep(ctx.durationMs * fraction, ctx.signal);

// The faults, each a schedule along the workload. Timings follow CHAOS_ENV (stack.ts).

async function workerKill(ctx: FaultContext): Promise<void> {
  // Every 2 s a random worker is SIGKILLed and a new one started in its place.
  const until = Date.now() + ctx.durationMs;
  while (Date.now() < until && !ctx.signal.aborted) {
    const victim = Math.floor(ctx.random() * ctx.stack.workerCount);
    await hold(ctx, "worker-kill", 0, () => ctx.stack.killWorker(victim), () => ctx.stack.startWorker(victim));
    await abortableSleep(2_000, ctx.signal);
  }
}

async function redisRestart(ctx: FaultContext, fraction = 0.4): Promise<void> {
  await at(ctx, fraction);
  await hold(ctx, "redis-restart", 3_000, () => ctx.stack.redis.kill(), () => ctx.stack.redis.restart());
}

async function redisWipe(ctx: FaultContext): Promise<void> {
  await at(ctx, 0.4);
  await hold(ctx, "redis-wipe", 3_000, () => ctx.stack.redis.kill(), () => ctx.stack.redis.wipe());
}

async function postgresRestart(ctx: FaultContext, fraction = 0.4): Promise<void> {
  await at(ctx, fraction);
  await hold(ctx, "postgres-restart", 3_000, () => ctx.stack.postgres.crash(), () => ctx.stack.postgres.start());
}

async function bankOutage(ctx: FaultContext): Promise<void> {
  await at(ctx, 0.2);
  const forMs = Math.min(30_000, ctx.durationMs * 0.6);
  await hold(ctx, "bank-outage", forMs, () => ctx.stack.bank.setFaults({ failureRate: 1 }), () => ctx.stack.bank.setFaults({ failureRate: 0 }));
}

async function bankAmbiguous(ctx: FaultContext): Promise<void> {
  await hold(ctx, "bank-ambiguous", ctx.durationMs, () => ctx.stack.bank.setFaults({ ambiguousRate: 0.2 }), () => ctx.stack.bank.setFaults({ ambiguousRate: 0 }));
}

async function bankSlow(ctx: FaultContext): Promise<void> {
  // One charge in five is held 3 s, past the worker's 2 s timeout, after the bank captured it.
  await hold(
    ctx,
    "bank-slow",
    ctx.durationMs,
    () => ctx.stack.bank.setFaults({ latencyMs: 20, latencyJitterMs: 200, timeoutRate: 0.2, timeoutMs: 3_000 }),
    () => ctx.stack.bank.setFaults({ latencyMs: 0, latencyJitterMs: 0, timeoutRate: 0 }),
  );
}

async function networkPartition(ctx: FaultContext, fraction = 0.3): Promise<void> {
  await at(ctx, fraction);
  const proxy = ctx.stack.proxyOf(0);
  await hold(ctx, "network-partition", 10_000, () => proxy.cut(), () => proxy.heal());
}

const noFaults = () => Promise.resolve();

/** Recovery margins, from CHAOS_ENV: lock 5 s + stalled check 2 s; sweep after 6 s stale + 1 s pass. */
const STALLED_JOB_RECOVERY_MS = 5_000 + 2_000;
const SWEEP_RECOVERY_MS = 6_000 + 1_000;
const MAX_RETRY_DELAY_MS = 2_000;
const BREAKER_MAX_OPEN_MS = 8_000;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "worker-kill",
    description: "SIGKILL a random worker every 2 s, start a new one in its place",
    copies: 1,
    expectedRecoveryMs: STALLED_JOB_RECOVERY_MS + MAX_RETRY_DELAY_MS,
    expectation: "lock duration + stalled-check interval: the killed worker's jobs stall, then re-run",
    faults: workerKill,
  },
  {
    name: "redis-restart",
    description: "SIGKILL Redis, restart it from its AOF 3 s later",
    copies: 1,
    expectedRecoveryMs: SWEEP_RECOVERY_MS + MAX_RETRY_DELAY_MS,
    expectation: "reconnect; anything the last second of AOF lost is swept back after 6 s stale",
    faults: (ctx) => redisRestart(ctx),
  },
  {
    name: "redis-wipe",
    description: "SIGKILL Redis, restart it with no data at all: only Postgres remembers",
    copies: 1,
    expectedRecoveryMs: SWEEP_RECOVERY_MS + MAX_RETRY_DELAY_MS,
    expectation: "the sweeper re-queues every open payment once it is 6 s stale",
    faults: redisWipe,
  },
  {
    name: "postgres-restart",
    description: "immediate-mode shutdown of Postgres, restart 3 s later",
    copies: 1,
    expectedRecoveryMs: MAX_RETRY_DELAY_MS * 2,
    expectation: "failed steps retry with backoff (at most 2 s) once Postgres is back",
    faults: (ctx) => postgresRestart(ctx),
  },
  {
    name: "bank-outage",
    description: "every charge fails (500) for 30 s (or 60% of a shorter run)",
    copies: 1,
    expectedRecoveryMs: BREAKER_MAX_OPEN_MS + MAX_RETRY_DELAY_MS,
    expectation: "the breaker half-opens within its longest open period (8 s), then the held backlog drains",
    faults: bankOutage,
  },
  {
    name: "bank-ambiguous",
    description: "20% of charges are captured, then the answer is lost",
    copies: 1,
    expectedRecoveryMs: MAX_RETRY_DELAY_MS * 3,
    expectation: "lost answers retry under the same key and find the capture; one unlucky several times in a row waits out several backoffs, paced by the retry budget",
    faults: bankAmbiguous,
  },
  {
    name: "bank-slow",
    description: "20% of charges held 3 s, past the worker's 2 s timeout; 20-220 ms latency on the rest",
    copies: 1,
    expectedRecoveryMs: MAX_RETRY_DELAY_MS * 3,
    expectation: "timed-out charges are ambiguous and retry under the same key",
    faults: bankSlow,
  },
  {
    name: "duplicate-storm",
    description: "every payment is sent 5 times at once, with one key",
    copies: 5,
    expectedRecoveryMs: 2_000,
    expectation: "no fault to recover from: one payment per key",
    faults: noFaults,
  },
  {
    name: "network-partition",
    description: "worker 0's connections to Redis are cut for 10 s through a proxy",
    copies: 1,
    expectedRecoveryMs: STALLED_JOB_RECOVERY_MS + MAX_RETRY_DELAY_MS,
    expectation: "the cut worker's jobs stall and re-run elsewhere; it reconnects when healed",
    faults: (ctx) => networkPartition(ctx),
  },
  {
    name: "all",
    description: "worker kills + ambiguous bank + Redis restart + Postgres restart + partition, overlapping; 2 copies",
    copies: 2,
    expectedRecoveryMs: SWEEP_RECOVERY_MS + STALLED_JOB_RECOVERY_MS,
    expectation: "the slowest of the faults it combines",
    faults: async (ctx) => {
      await Promise.all([workerKill(ctx), bankAmbiguous(ctx), redisRestart(ctx, 0.3), postgresRestart(ctx, 0.5), networkPartition(ctx, 0.6)]);
    },
  },
];

export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((scenario) => scenario.name === name);
  if (!found) throw new Error(`no scenario "${name}"; choose from ${SCENARIOS.map((s) => s.name).join(", ")}`);
  return found;
}

