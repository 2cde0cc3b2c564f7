import { readFileSync } from "node:fs";
import { primaries, type Pool, type RedisClient } from "@payq/shared";

/** Linux reports process CPU time in clock ticks of 10 ms (CLK_TCK = 100 on every Debian kernel). */
const TICK_MS = 10;

export interface UsageSample {
  /** CPU so far of each live process, by group and PID. */
  cpuMs: Record<string, Record<number, number>>;
  /** Per Redis server: the one, or each primary of a cluster, by `host:port`. */
  redis: Record<string, { cpuMs: number; commands: number }>;
  pgWriteTransactions: number;
}

/** CPU time of a live process, user + system. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * What a run cost, read from the outside: CPU of each group of processes (from /proc), Redis CPU and
 * commands of every Redis server (INFO), and Postgres write transactions (transaction ids handed out;
 * each probe takes one).
 */
export async function sampleUsage(groups: Record<string, number[]>, redis: RedisClient, pool: Pool): Promise<UsageSample> {
  const cpuMs = Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [name, Object.fromEntries(pids.map((pid) => [pid, processCpuMs(pid)]))]),
  );
  const usage: UsageSample["redis"] = {};
  for (const server of primaries(redis)) {
    const [cpu, stats] = [await server.info("cpu"), await server.info("commandstats")];
    const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(cpu)?.[1] ?? 0);
    usage[`${server.options.host}:${server.options.port}`] = {
      cpuMs: (field("used_cpu_sys") + field("used_cpu_user")) * 1000,
      commands: [...stats.matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0),
    };
  }
  const { rows } = await pool.query<{ xid: string }>("SELECT pg_current_xact_id()::text AS xid");
  return { cpuMs, redis: usage, pgWriteTransactions: Number(rows[0]?.xid ?? 0) };
}

export interface PerItemCost {
  /** CPU µs per item, by process group. */
  cpuUs: Record<string, number>;
  redisCpuUs: number;
  redisCommands: number;
  /** CPU µs and commands per item on each Redis server (a cluster's primaries, one by one). */
  redisByServer: Record<string, { cpuUs: number; commands: number }>;
  pgWriteTransactions: number;
}

/**
 * CPU between two samples, process by process: one that started in between counts from zero; one that
 * ended in between (a Postgres backend the pool closed) is lost, a small undercount, never a negative.
 */
function cpuBetween(before: Record<number, number> = {}, after: Record<number, number>): number {
  return Object.entries(after).reduce((sum, [pid, ms]) => sum + ms - (before[Number(pid)] ?? 0), 0);
}

export function costPerItem(before: UsageSample, after: UsageSample, items: number): PerItemCost {
  const per = (value: number) => Math.round((value / items) * 100) / 100;
  const deltas = Object.entries(after.redis).map(([server, now]) => {
    const then = before.redis[server] ?? { cpuMs: 0, commands: 0 };
    // The two INFO calls of a sample are not the system's own work.
    return { server, cpuMs: now.cpuMs - then.cpuMs, commands: now.commands - then.commands - 2 };
  });
  const sum = (pick: (delta: (typeof deltas)[number]) => number) => deltas.reduce((total, delta) => total + pick(delta), 0);
  return {
    cpuUs: Object.fromEntries(
      Object.entries(after.cpuMs).map(([name, pids]) => [name, Math.round((cpuBetween(before.cpuMs[name], pids) * 1000) / items)]),
    ),
    redisCpuUs: Math.round((sum((d) => d.cpuMs) * 1000) / items),
    redisCommands: per(sum((d) => d.commands)),
    redisByServer: Object.fromEntries(deltas.map((d) => [d.server, { cpuUs: Math.round((d.cpuMs * 1000) / items), commands: per(d.commands) }])),
    // The probe transaction of a sample is not the system's own work.
    pgWriteTransactions: per(after.pgWriteTransactions - before.pgWriteTransactions - 1),
  };
}

export function percentiles(values: number[]): { p50: number; p95: number; p99: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
