import type { RunResult } from "./runs.ts";

const dash = "–";

/** Each run: throughput, accept→settle latency, and what one payment (or job) cost. */
export function runsTable(runs: readonly RunResult[]): string {
  const head = ["run", "items", "workers", "per s", "p50 ms", "p95 ms", "p99 ms", "Node CPU µs/item (by process)", "Redis CPU µs", "Redis cmds", "PG write tx"];
  const rows = runs.map((r) => [
    r.kind, String(r.count), String(r.workers), String(r.perSecond),
    String(r.latencyMs?.p50 ?? dash), String(r.latencyMs?.p95 ?? dash), String(r.latencyMs?.p99 ?? dash),
    Object.entries(r.cost.cpuUs).map(([name, us]) => `${name} ${us}`).join(", "),
    String(r.cost.redisCpuUs), String(r.cost.redisCommands), String(r.cost.pgWriteTransactions),
  ]);
  return table(head, rows);
}

/** On a cluster: what each primary carried per item, and which of payq's hash tags it serves. */
export function serversTable(runs: readonly RunResult[], servedBy: Record<string, string>): string {
  const servers = Object.keys(runs[0]?.cost.redisByServer ?? {}).sort();
  const head = ["run", ...servers.map((server) => `${server} (${servedBy[server] || "nothing of payq's"}) CPU µs / cmds`)];
  const rows = runs.map((r) => [r.kind, ...servers.map((server) => `${r.cost.redisByServer[server]?.cpuUs ?? dash} / ${r.cost.redisByServer[server]?.commands ?? dash}`)]);
  return table(head, rows);
}

export function table(head: string[], rows: string[][]): string {
  return [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

export function ratioSummary(label: string, ratios: number[], target: number): string[] {
  if (ratios.length === 0) return [label, dash, dash, dash];
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const fixed = (n: number) => n.toFixed(3);
  return [label, fixed(median), `${fixed(sorted[0]!)}–${fixed(sorted.at(-1)!)}`, `≥ ${target}`, median >= target ? "met" : "missed"];
}
