import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killSpawnedApps, spawnApp } from "@payq/testing";
import type { ScenarioResult } from "@payq/chaos";
import { fileURLToPath } from "node:url";

const CHAOS_MAIN = fileURLToPath(new URL("../tools/chaos/src/main.ts", import.meta.url));
const SCENARIOS = [
  "worker-kill", "redis-restart", "redis-wipe", "postgres-restart", "bank-outage",
  "bank-ambiguous", "bank-slow", "duplicate-storm", "network-partition", "all",
];

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "payq-chaos-"));
});
afterAll(async () => {
  killSpawnedApps();
  await rm(out, { recursive: true, force: true });
});

/** `pnpm chaos … --json`, as a user runs it; returns its exit code and per-scenario results. */
async function chaos(args: string[]): Promise<{ code: number | null; results: ScenarioResult[]; output: string }> {
  const run = spawnApp("cli", { PATH: process.env.PATH ?? "" }, { main: CHAOS_MAIN, args: [...args, "--json", "--out", out] });
  const { code } = await run.exited;
  const line = run.output().split("\n").findLast((l) => l.startsWith('{"command"'));
  if (!line) throw new Error(`chaos printed no report (exit ${code}):\n${run.output().slice(-5_000)}`);
  return { code, results: (JSON.parse(line) as { results: ScenarioResult[] }).results, output: run.output() };
}

describe("chaos: every scenario, small and short", () => {
  it("loses nothing, captures nothing twice and keeps the ledger equal to the bank, under every fault", async () => {
    const { code, results, output } = await chaos(["--payments", "150", "--duration-s", "10", "--seed", "7"]);
    expect(results.map((r) => r.scenario)).toEqual(SCENARIOS);
    for (const result of results) {
      const v = result.verdict;
      expect({ scenario: result.scenario, error: result.error, violations: result.violations, crashes: result.crashes }).toEqual({
        scenario: result.scenario,
        error: null,
        violations: [],
        crashes: [],
      });
      expect(v?.accepted, result.scenario).toBeGreaterThanOrEqual(140);
      expect(v && v.succeeded + v.declined + v.deadLetteredAfterReplay, result.scenario).toBe(v?.accepted);
      expect([v?.lost, v?.doubleCaptures, v?.ledgerDifferences, v?.unbalanced], result.scenario).toEqual([0, 0, 0, 0]);
      expect(result.recoveryMs, result.scenario).not.toBeNull();
    }
    expect(code, output.slice(-5_000)).toBe(0);
  }, 600_000);
});

describe("chaos: the checker catches a broken build", () => {
  it("a bank client that makes a fresh idempotency key per attempt double-captures, and fails the run", async () => {
    const { code, results } = await chaos(["--scenario", "bank-ambiguous", "--payments", "150", "--duration-s", "8", "--broken", "fresh-charge-keys"]);
    const verdict = results[0]!.verdict!;
    expect(verdict.doubleCaptures).toBeGreaterThan(0);
    expect(verdict.ledgerDifferences).toBeGreaterThan(0);
    expect(results[0]!.violations).toContain("doubleCaptures");
    expect(code).toBe(1);
  }, 180_000);

  // A short staleness window makes payments stale while their charge is still in flight.
  const STALE_WHILE_CHARGING = ["--scenario", "bank-slow", "--payments", "150", "--duration-s", "8", "--env", "SWEEP_STALE_AFTER_MS=500"];

  it("a sweeper that re-enqueues live jobs has two workers charge one payment at once, and fails the run", async () => {
    const { code, results } = await chaos([...STALE_WHILE_CHARGING, "--broken", "sweeper-requeues-live"]);
    expect(results[0]!.verdict!.concurrentCharges).toBeGreaterThan(0);
    expect(results[0]!.violations).toContain("concurrentCharges");
    expect(code).toBe(1);
  }, 180_000);

  it("the real sweeper, on the same settings, never does", async () => {
    const { code, results } = await chaos(STALE_WHILE_CHARGING);
    expect(results[0]!.verdict!.concurrentCharges).toBe(0);
    expect(results[0]!.violations).toEqual([]);
    expect(code).toBe(0);
  }, 180_000);
});
