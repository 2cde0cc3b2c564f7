import { closeQueues, createQueues, createRedis, type PayqQueues, type Pool } from "@payq/shared";
import { spawnApp } from "@payq/testing";
import { check, deadLetterDisagreements, violationsOf, type Verdict, type Violation } from "./checker.ts";
import type { FaultEvent, Scenario } from "./scenarios.ts";
import { CHAOS_MERCHANT, startChaosStack, type ChaosStack } from "./stack.ts";
import { runWorkload, sleep, type Sent } from "./workload.ts";

export interface RunOptions {
  payments: number;
  workers: number;
  /** How long the workload (and so the fault schedule) runs. */
  durationMs: number;
  /** The longest wait for the system to go quiet, after the workload and again after the replay. */
  quietTimeoutMs: number;
  env?: Record<string, string>;
  workerMain?: string;
  random: () => number;
  signal: AbortSignal;
}

export interface ScenarioResult {
  scenario: string;
  payments: number;
  workers: number;
  verdict: Verdict | null;
  violations: Violation[];
  /** Processes that died on their own during the run; any fails it. */
  crashes: string[];
  /** Workers that refused to start while a dependency was down, and were started again. */
  restarts: number;
  faults: FaultEvent[];
  /** From the last heal (or the client's last answer, if later) until no payment was open; null if never. */
  recoveryMs: number | null;
  expectedRecoveryMs: number;
  /** Payments settled per second while faults were active. */
  settledPerSecondDuringFaults: number;
  /** Accept→terminal, of payments accepted while faults were active. */
  p99SettleMsDuringFaults: number | null;
  /** The client's POST latency (with its retries) while faults were active. */
  p99ApiMsDuringFaults: number | null;
  durationS: number;
  error: string | null;
  /** Where the open payments were when recovery was already overdue. */
  overdue?: { open: number; byRecoveryPoint: Record<string, number>; jobs: Record<string, number> };
  /** The processes' last output, when the run went wrong. */
  logs?: string;
}

/** One scenario on a fresh stack: workload + faults, quiet, heal, DLQ replay, then the checker. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const began = Date.now();
  const stack = await startChaosStack({ workers: options.workers, env: options.env, workerMain: options.workerMain });
  const faults: FaultEvent[] = [];
  const result: ScenarioResult = {
    scenario: scenario.name,
    payments: options.payments,
    workers: options.workers,
    verdict: null,
    violations: [],
    crashes: stack.crashes,
    restarts: 0,
    faults,
    recoveryMs: null,
    expectedRecoveryMs: scenario.expectedRecoveryMs,
    settledPerSecondDuringFaults: 0,
    p99SettleMsDuringFaults: null,
    p99ApiMsDuringFaults: null,
    durationS: 0,
    error: null,
  };
  try {
    const [[sent, loadEndedAt]] = await Promise.all([
      runWorkload({
        producerUrl: stack.producerUrl,
        apiKey: CHAOS_MERCHANT.key,
        callbackUrl: `${stack.env.BANK_URL}/webhooks/chaos`,
        payments: options.payments,
        durationMs: options.durationMs,
        copies: scenario.copies,
        random: options.random,
        signal: options.signal,
      }).then((sent) => [sent, Date.now()] as const),
      scenario.faults({ stack, durationMs: options.durationMs, random: options.random, signal: options.signal, record: (e) => faults.push(e) }),
    ]);
    const window = faultWindow(faults, sent);
    const calmFrom = Math.max(window.until, loadEndedAt);
    const redis = createRedis(stack.redis.url, "blocking");
    const queues = createQueues(redis, stack.env.QUEUE_PREFIX!);
    try {
      // Still busy when it should have recovered: a snapshot says where the work was stuck.
      const overdue = setTimeout(
        () => void snapshot(stack.pool, queues).then((found) => (result.overdue = found), () => undefined),
        Math.max(0, calmFrom + scenario.expectedRecoveryMs - Date.now()),
      );
      const quietAt = await waitQuiet(stack.pool, options);
      clearTimeout(overdue);
      result.recoveryMs = quietAt === null ? null : Math.max(0, quietAt - calmFrom);
      Object.assign(result, await duringFaults(stack.pool, sent, window));

      // The sweeper repairs DLQ drift on its own passes; give it a few before counting disagreements.
      let disagreements = await deadLetterDisagreements(stack.pool, queues.paymentsDeadLetter);
      for (let pass = 0; pass < 10 && disagreements > 0; pass += 1) {
        await sleep(1_000);
        disagreements = await deadLetterDisagreements(stack.pool, queues.paymentsDeadLetter);
      }
      const deadLettered = await countStatus(stack.pool, "dead_lettered");
      if (deadLettered > 0) {
        await replayDeadLetters(stack);
        await waitQuiet(stack.pool, options);
      }
      result.verdict = await check({ pool: stack.pool, bank: stack.bank, sent, deadLettered, dlqDisagreements: disagreements });
      result.violations = violationsOf(result.verdict);
    } finally {
      await closeQueues(queues);
      redis.disconnect();
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    const unanswered = (result.verdict?.unanswered ?? 0) > 0;
    const suspicious = result.error || result.violations.length > 0 || result.crashes.length > 0 || result.recoveryMs === null || unanswered || result.overdue;
    if (suspicious) result.logs = stack.logs();
    await stack.stop();
    result.restarts = stack.restarts;
    result.durationS = Math.round((Date.now() - began) / 100) / 10;
  }
  return result;
}

/** From the first fault to the last heal; the whole workload when the scenario has no timed fault. */
function faultWindow(faults: readonly FaultEvent[], sent: readonly Sent[]): { from: number; until: number } {
  if (faults.length > 0) {
    return { from: Math.min(...faults.map((f) => f.at)), until: Math.max(...faults.map((f) => f.healedAt)) };
  }
  const times = sent.map((s) => s.sentAt);
  return { from: Math.min(...times), until: Math.max(...times) };
}

async function duringFaults(pool: Pool, sent: readonly Sent[], window: { from: number; until: number }) {
  const seconds = Math.max(1, (window.until - window.from) / 1000);
  const { rows } = await pool.query<{ settled: string; p99: number | null }>(
    `SELECT count(*) FILTER (WHERE settled_at BETWEEN to_timestamp($1 / 1000.0) AND to_timestamp($2 / 1000.0)) AS settled,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - created_at) * 1000)
              FILTER (WHERE created_at BETWEEN to_timestamp($1 / 1000.0) AND to_timestamp($2 / 1000.0)) AS p99
       FROM payments`,
    [window.from, window.until],
  );
  const api = sent.filter((s) => s.sentAt >= window.from && s.sentAt <= window.until).map((s) => s.latencyMs);
  return {
    settledPerSecondDuringFaults: Math.round(Number(rows[0]?.settled ?? 0) / seconds),
    p99SettleMsDuringFaults: rows[0]?.p99 == null ? null : Math.round(rows[0].p99),
    p99ApiMsDuringFaults: percentile(api, 0.99),
  };
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function snapshot(pool: Pool, queues: PayqQueues): Promise<NonNullable<ScenarioResult["overdue"]>> {
  const { rows } = await pool.query<{ point: string; count: string }>(
    "SELECT recovery_point AS point, count(*) FROM payments WHERE status = 'accepted' GROUP BY 1",
  );
  const byRecoveryPoint = Object.fromEntries(rows.map((row) => [row.point, Number(row.count)]));
  const open = rows.reduce((sum, row) => sum + Number(row.count), 0);
  return { open, byRecoveryPoint, jobs: await queues.payments.getJobCounts() };
}

async function countStatus(pool: Pool, status: string): Promise<number> {
  const { rows } = await pool.query<{ count: string }>("SELECT count(*) FROM payments WHERE status = $1", [status]);
  return Number(rows[0]?.count ?? 0);
}

/** Waits until no payment is open; returns when, or null if it never happened in time. */
async function waitQuiet(pool: Pool, options: Pick<RunOptions, "quietTimeoutMs" | "signal">): Promise<number | null> {
  const deadline = Date.now() + options.quietTimeoutMs;
  while (Date.now() < deadline && !options.signal.aborted) {
    const open = await countStatus(pool, "accepted").catch(() => -1);
    if (open === 0) return Date.now();
    await sleep(250);
  }
  return null;
}

/** As an operator would once the faults are healed: `pnpm payq dlq replay`, everything, paced. */
async function replayDeadLetters(stack: ChaosStack): Promise<void> {
  const cli = spawnApp("cli", stack.env, { args: ["dlq", "replay", "--rate", "500", "--actor", "chaos"] });
  const { code } = await cli.exited;
  if (code !== 0) throw new Error(`dlq replay failed (${code}): ${cli.output().slice(-2_000)}`);
}
