import type { ScenarioResult } from "./run.ts";

const dash = "–";
const ms = (value: number | null) => (value === null ? dash : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`);

/** One row per scenario: the checker's figures, throughput and p99 under faults, recovery. */
export function markdownReport(results: readonly ScenarioResult[]): string {
  const head = [
    "scenario", "accepted", "succeeded", "declined", "DLQ → after replay", "lost", "double captures",
    "ledger vs bank", "unbalanced", "DLQ ≠ PG", "concurrent charges", "key conflicts",
    "settled/s in faults", "p99 settle in faults", "p99 API in faults", "recovery (expected)", "result",
  ];
  const rows = results.map((r) => {
    const v = r.verdict;
    const figure = (value: number | undefined) => (value === undefined ? dash : String(value));
    const recovery = `${r.recoveryMs === null ? "never" : ms(r.recoveryMs)} (≤ ${ms(r.expectedRecoveryMs)})`;
    return [
      r.scenario,
      figure(v?.accepted), figure(v?.succeeded), figure(v?.declined),
      v ? `${v.deadLettered} → ${v.deadLetteredAfterReplay}` : dash,
      figure(v?.lost), figure(v?.doubleCaptures), figure(v?.ledgerDifferences), figure(v?.unbalanced),
      figure(v?.dlqDisagreements), figure(v?.concurrentCharges), figure(v?.keyConflicts),
      String(r.settledPerSecondDuringFaults), ms(r.p99SettleMsDuringFaults), ms(r.p99ApiMsDuringFaults), recovery,
      outcome(r),
    ];
  });
  return [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

export function outcome(result: ScenarioResult): string {
  if (result.error) return `ERROR: ${result.error}`;
  if (result.violations.length > 0) return `FAIL: ${result.violations.join(", ")}`;
  if (result.crashes.length > 0) return `FAIL: crashed: ${result.crashes.join("; ")}`;
  if (result.recoveryMs === null) return "FAIL: never went quiet";
  if (result.recoveryMs > result.expectedRecoveryMs) return "pass (slow recovery)";
  return "pass";
}

export function passed(result: ScenarioResult): boolean {
  return outcome(result).startsWith("pass");
}
