import type { RedisClient } from "@payq/shared";
import type { SystemStack } from "@payq/testing";
import type { PayqBench, RunTimes } from "./payq-bench.ts";
import type { RawBullmq } from "./raw-bullmq.ts";
import { costPerItem, percentiles, sampleUsage, type PerItemCost } from "./usage.ts";

export type Kind = "A raw BullMQ" | "B payq end to end" | "C payq worker stage";

export interface RunResult {
  kind: Kind;
  count: number;
  workers: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number } | null;
  cost: PerItemCost;
}

export interface Bench {
  stack: SystemStack;
  redis: RedisClient;
  payq: PayqBench;
  raw: RawBullmq;
  /** On a cluster: which of payq's hash tags each primary serves, by `host:port`; null on one Redis. */
  placement: Record<string, string> | null;
}

const driver = () => [process.pid];

/** One measured run: usage sampled around it, throughput and latency from its times. */
async function measured(kind: Kind, count: number, bench: Bench, groups: () => Record<string, number[]>, run: (mark: () => Promise<void>) => Promise<RunTimes>): Promise<RunResult> {
  let before = await sampleUsage(groups(), bench.redis, bench.stack.pool);
  // C re-samples once the payments are accepted, so its cost is the worker stage's alone.
  const times = await run(async () => {
    before = await sampleUsage(groups(), bench.redis, bench.stack.pool);
  });
  const after = await sampleUsage(groups(), bench.redis, bench.stack.pool);
  const seconds = Math.max(0.001, (times.finishedAt - times.startedAt) / 1000);
  return {
    kind,
    count,
    workers: bench.stack.pids().workers.length,
    perSecond: Math.round(count / seconds),
    latencyMs: percentiles(times.latenciesMs),
    cost: costPerItem(before, after, count),
  };
}

const payqGroups = (bench: Bench) => () => {
  const pids = bench.stack.pids();
  return { producer: pids.producer, workers: pids.workers, bank: pids.bank, postgres: bench.stack.postgres.pids(), driver: driver() };
};

export async function runRaw(bench: Bench, count: number, options: { inFlight: number; rate?: number }): Promise<RunResult> {
  await bench.raw.clear();
  const groups = () => ({ workers: bench.raw.pids(), postgres: bench.stack.postgres.pids(), driver: driver() });
  return measured("A raw BullMQ", count, bench, groups, () => bench.raw.run(count, options));
}

export async function runEndToEnd(bench: Bench, count: number, options: { inFlight: number; rate?: number }): Promise<RunResult> {
  await bench.payq.clear();
  return measured("B payq end to end", count, bench, payqGroups(bench), () => bench.payq.endToEnd(count, options));
}

export async function runWorkerStage(bench: Bench, count: number, options: { inFlight: number }): Promise<RunResult> {
  await bench.payq.clear();
  return measured("C payq worker stage", count, bench, payqGroups(bench), (mark) => bench.payq.workerStage(count, options, mark));
}
