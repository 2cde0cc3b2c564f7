import { setMaxListeners } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { killSpawnedApps } from "@payq/testing";
import { markdownReport, outcome, passed } from "./report.ts";
import { runScenario, type ScenarioResult } from "./run.ts";
import { scenarioNamed, SCENARIOS } from "./scenarios.ts";
import { seededRandom } from "./seeded-random.ts";

const USAGE = `usage: pnpm chaos [--scenario NAME[,NAME…]] [--payments N] [--workers N] [--duration-s S] [--json]
                  [--seed N] [--out DIR] [--env KEY=VALUE]… [--broken fresh-charge-keys|sweeper-requeues-live]
scenarios: ${SCENARIOS.map((s) => s.name).join(", ")} (default: every one)`;

/** Test builds of the worker, each broken on purpose; the checker must fail them. */
const BROKEN_BUILDS = new Set(["fresh-charge-keys", "sweeper-requeues-live"]);

const { values } = parseArgs({
  options: {
    scenario: { type: "string" },
    payments: { type: "string", default: "2000" },
    workers: { type: "string", default: "3" },
    "duration-s": { type: "string", default: "30" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
    out: { type: "string", default: ".data/chaos" },
    env: { type: "string", multiple: true, default: [] },
    broken: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const scenarios = (values.scenario ?? SCENARIOS.map((s) => s.name).join(",")).split(",").map(scenarioNamed);
const env = Object.fromEntries(values.env.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
if (values.broken !== undefined && !BROKEN_BUILDS.has(values.broken)) throw new Error(`no broken build "${values.broken}"`);
if (values.broken) env.PAYQ_TEST_BROKEN = values.broken;
const durationMs = Number(values["duration-s"]) * 1000;
const seed = Number(values.seed);

// Ctrl-C stops the scenario in hand and cleans up every process; a second one kills them outright.
const abort = new AbortController();
// Every request in flight listens for it.
setMaxListeners(1_000, abort.signal);
process.once("SIGINT", () => {
  say("interrupted: stopping everything this run started (Ctrl-C again to kill at once)");
  abort.abort();
  process.once("SIGINT", () => {
    killSpawnedApps();
    process.exit(130);
  });
});

const results: ScenarioResult[] = [];
const random = seededRandom(seed);
say(`chaos: ${scenarios.length} scenario(s), ${values.payments} payments, ${values.workers} workers, ${durationMs / 1000} s of faults, seed ${seed}`);
for (const scenario of scenarios) {
  if (abort.signal.aborted) break;
  say(`▶ ${scenario.name}: ${scenario.description}`);
  const result = await runScenario(scenario, {
    payments: Number(values.payments),
    workers: Number(values.workers),
    durationMs,
    quietTimeoutMs: Math.max(60_000, durationMs * 2),
    env,
    workerMain: values.broken ? fileURLToPath(new URL("./test-builds/broken-worker.ts", import.meta.url)) : undefined,
    random,
    signal: abort.signal,
  });
  results.push(result);
  say(`  ${outcome(result)} in ${result.durationS} s`);
  if (result.logs) say(result.logs);
}

const command = `pnpm chaos ${process.argv.slice(2).join(" ")}`.trim();
const table = markdownReport(results);
const out = resolve(values.out);
await mkdir(out, { recursive: true });
await writeFile(join(out, "report.md"), `${command}\n\n${table}\n`);
await writeFile(join(out, "report.json"), JSON.stringify({ command, seed, results: results.map(({ logs: _logs, ...r }) => r) }, null, 2));
if (values.json) process.stdout.write(`${JSON.stringify({ command, seed, results: results.map(({ logs: _logs, ...r }) => r) })}\n`);
else say(`\n${table}\n\nreport: ${join(out, "report.md")}, ${join(out, "report.json")}`);
process.exitCode = results.length === scenarios.length && results.every(passed) ? 0 : 1;
