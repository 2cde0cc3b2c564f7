import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { breakerKeys, createRedis, QUEUE_NAMES, queuePrefix, type QueueRole } from "@payq/shared";
import { SystemStack } from "@payq/testing";
import { ingestLoad } from "./ingest.ts";
import { PayqBench } from "./payq-bench.ts";
import { RawBullmq } from "./raw-bullmq.ts";
import { ratioSummary, runsTable, serversTable, table } from "./report.ts";
import { runEndToEnd, runRaw, runWorkerStage, type Bench, type RunResult } from "./runs.ts";

const { values } = parseArgs({
  options: {
    payments: { type: "string", default: "5000" },
    pairs: { type: "string", default: "4" },
    workers: { type: "string", default: "1" },
    concurrency: { type: "string", default: "64" },
    paced: { type: "string" },
    "paced-s": { type: "string", default: "30" },
    ingest: { type: "boolean", default: false },
    scaling: { type: "string" },
    "worker-counts": { type: "string" },
    out: { type: "string", default: ".data/bench" },
    profile: { type: "string" },
    json: { type: "boolean", default: false },
    cluster: { type: "boolean", default: false },
  },
});
const say = (line = "") => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const count = Number(values.payments);
const inFlight = Number(values.concurrency);
const workerCount = Number(values.workers);
const WORKER_CONCURRENCY = 50;
const QUEUE_ROLES = Object.keys(QUEUE_NAMES) as QueueRole[];

/** One stack for the whole run: raw BullMQ and payq share its Redis, the machine and the moment. */
async function withBench<T>(workers: number, work: (bench: Bench) => Promise<T>): Promise<T> {
  // --profile DIR: every app writes a V8 CPU profile there when it stops (pnpm bench:profile DIR reads them).
  const nodeArgs = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${resolve(values.profile)}`] : [];
  const stack = await SystemStack.start({
    workers,
    env: { LOG_LEVEL: "warn", WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) },
    nodeArgs,
    cluster: values.cluster,
  });
  const redisUrl = stack.env.REDIS_URL!;
  const redis = createRedis(redisUrl, "blocking");
  const raw = await RawBullmq.start(redis, redisUrl, workers, WORKER_CONCURRENCY);
  const placement = stack.cluster ? await placementOf(stack, raw) : null;
  const payq = new PayqBench(stack, redis, inFlight);
  try {
    return await work({ stack, redis, payq, raw, placement });
  } finally {
    await payq.close();
    await raw.stop();
    redis.disconnect();
    await stack.stop();
  }
}

/** On a cluster: which of payq's hash tags (and raw BullMQ's) each primary serves, by `host:port`. */
async function placementOf(stack: SystemStack, raw: RawBullmq): Promise<Record<string, string>> {
  const prefix = stack.env.QUEUE_PREFIX!;
  const keys: [string, string][] = [
    ...QUEUE_ROLES.map((role): [string, string] => [QUEUE_NAMES[role], `${queuePrefix(prefix, role)}:wait`]),
    ["breaker bank", breakerKeys(prefix, "bank").state],
    ["raw BullMQ", `${raw.prefix}:wait`],
  ];
  const served: Record<string, string[]> = {};
  for (const [label, key] of keys) (served[`127.0.0.1:${await stack.cluster!.primaryOf(key)}`] ??= []).push(label);
  return Object.fromEntries(Object.entries(served).map(([server, labels]) => [server, labels.join(", ")]));
}

const sections: string[] = [];
const report: Record<string, unknown> = { command: `pnpm bench ${process.argv.slice(2).join(" ")}`.trim() };
const section = (title: string, body: string) => {
  sections.push(`### ${title}\n\n${body}`);
  say(`\n### ${title}\n\n${body}`);
};

if (values.paced) {
  const rate = Number(values.paced);
  const paced = rate * Number(values["paced-s"]);
  say(`paced: ${rate}/s for ${values["paced-s"]} s (${paced} items), raw BullMQ then payq`);
  const runs = await withBench(workerCount, async (bench) => [
    await runRaw(bench, paced, { inFlight: 10_000, rate }),
    await runEndToEnd(bench, paced, { inFlight: 10_000, rate }),
  ]);
  report.paced = { rate, runs };
  section(`Paced at ${rate}/s: accept→settle latency`, runsTable(runs));
} else if (values.ingest) {
  say("ingest: autocannon against POST /v1/payments, workers stopped");
  const result = await withBench(workerCount, async (bench) => {
    await bench.stack.stopWorker(0);
    return ingestLoad(bench.stack, { connections: inFlight, durationS: 15 });
  });
  report.ingest = result;
  section("Ingest (autocannon, unique keys, 15 s)", table(
    ["accepted/s", "p50 ms", "p99 ms", "non-2xx", "errors", "timeouts"],
    [[String(result.acceptedPerSecond), String(result.p50), String(result.p99), String(result.non2xx), String(result.errors), String(result.timeouts)]],
  ));
} else if (values.scaling || values["worker-counts"]) {
  const runs: RunResult[] = [];
  for (const size of (values.scaling ?? "").split(",").filter(Boolean).map(Number)) {
    say(`scaling: ${size} payments, end to end and worker stage`);
    runs.push(...(await withBench(workerCount, async (bench) => [await runEndToEnd(bench, size, { inFlight }), await runWorkerStage(bench, size, { inFlight })])));
  }
  for (const workers of (values["worker-counts"] ?? "").split(",").filter(Boolean).map(Number)) {
    say(`scaling: ${workers} worker process(es), ${count} payments`);
    runs.push(...(await withBench(workers, async (bench) => [await runRaw(bench, count, { inFlight }), await runEndToEnd(bench, count, { inFlight }), await runWorkerStage(bench, count, { inFlight })])));
  }
  report.scaling = runs;
  section("Scaling", runsTable(runs));
} else {
  const pairs = Number(values.pairs);
  say(`pairs: ${pairs} (the first is warm-up), ${count} items each, ${workerCount} worker process(es) × ${WORKER_CONCURRENCY}, ${inFlight} in flight`);
  const { runs, placement } = await withBench(workerCount, async (bench) => {
    const all: RunResult[][] = [];
    for (let pair = 0; pair < pairs; pair += 1) {
      // A B C, then C B A: neither side always runs first on a warmer machine.
      const order = pair % 2 === 0 ? ["A", "B", "C"] : ["C", "B", "A"];
      const byKind: Record<string, RunResult> = {};
      for (const kind of order) {
        if (kind === "A") byKind.A = await runRaw(bench, count, { inFlight });
        if (kind === "B") byKind.B = await runEndToEnd(bench, count, { inFlight });
        if (kind === "C") byKind.C = await runWorkerStage(bench, count, { inFlight });
        say(`  pair ${pair + 1} ${kind}: ${byKind[kind]!.perSecond}/s`);
      }
      all.push([byKind.A!, byKind.B!, byKind.C!]);
    }
    return { runs: all, placement: bench.placement };
  });
  const measuredPairs = runs.slice(1);
  report.pairs = runs;
  section("Every run (pair 1 is warm-up)", runsTable(runs.flat()));
  if (placement) section("Each primary of the cluster, per item (pair 1 is warm-up)", serversTable(runs.flat(), placement));
  section("Same-run ratios (pairs 2…)", table(["ratio", "median", "min–max", "target", ""], [
    ratioSummary("B/A end to end", measuredPairs.map(([a, b]) => b!.perSecond / a!.perSecond), 0.25),
    ratioSummary("C/A worker stage", measuredPairs.map(([a, , c]) => c!.perSecond / a!.perSecond), 0.4),
  ]));
}

const out = resolve(values.out);
await mkdir(out, { recursive: true });
await writeFile(join(out, "report.md"), `${report.command as string}\n\n${sections.join("\n\n")}\n`);
await writeFile(join(out, "report.json"), JSON.stringify(report, null, 2));
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
