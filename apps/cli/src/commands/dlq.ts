import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { parseEnv, redisEnv, retryEnv, retryPolicyFromEnv } from "@payq/runtime";
import {
  closeQueues,
  countReplayTarget,
  createPool,
  createQueues,
  createRedis,
  deadLetterFilterSchema,
  executeReplayRun,
  listDeadLetters,
  redisUrlFrom,
  startReplayRun,
  waitForRedis,
  type DeadLetterFilter,
  type ReplayTarget,
} from "@payq/shared";
import { commandDatabaseUrl } from "../database-choice.ts";
import { complain, say } from "../output.ts";

const FILTER_OPTIONS = {
  class: { type: "string" },
  step: { type: "string" },
  merchant: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  q: { type: "string" },
} as const;

function filterOf(values: Partial<Record<keyof typeof FILTER_OPTIONS, string>>): DeadLetterFilter {
  return deadLetterFilterSchema.parse({
    errorClass: values.class,
    failedStep: values.step,
    merchantId: values.merchant,
    from: values.from,
    to: values.to,
    q: values.q,
  });
}

/**
 * `payq dlq list|replay`: the console's dead-letter tools for scripts and terminals, on the same shared
 * code (same exactly-once replay, same audit trail: the actor is `cli:<user>` unless --actor says).
 */
export async function dlqCommand(args: string[]): Promise<number> {
  const [sub = "", ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      ...FILTER_OPTIONS,
      ids: { type: "string" },
      limit: { type: "string", default: "50" },
      rate: { type: "string", default: "10" },
      "dry-run": { type: "boolean", default: false },
      actor: { type: "string", default: `cli:${userInfo().username}` },
    },
  });
  const env = parseEnv(z.object({ ...redisEnv, ...retryEnv }));
  const pool = createPool({ connectionString: await commandDatabaseUrl(), max: 2, applicationName: "payq-cli" });
  try {
    const filter = filterOf(values);
    if (sub === "list") {
      const page = await listDeadLetters(pool, filter, { limit: Number(values.limit) });
      for (const d of page.items) {
        say(`${d.paymentId}  ${d.merchantId}  ${d.errorClass}/${d.failedStep}  ${d.errorCode}  ${d.deadLetteredAt.toISOString()}`);
      }
      say(`${page.items.length} shown${page.next ? ", more exist" : ""}`);
      return 0;
    }
    if (sub !== "replay") {
      complain("usage: pnpm payq dlq list|replay [--class C] [--step S] [--merchant M] [--from ISO] [--to ISO] [--q TEXT] [--ids a,b] [--dry-run] [--rate N]");
      return 2;
    }
    const target: ReplayTarget = values.ids ? { ids: z.array(z.uuid()).parse(values.ids.split(",")) } : { filter };
    const count = await countReplayTarget(pool, target);
    if (values["dry-run"]) {
      say(`${count} dead letters would be replayed`);
      return 0;
    }
    const redis = createRedis(redisUrlFrom(env), "blocking");
    await waitForRedis(redis);
    const queues = createQueues(redis, env.QUEUE_PREFIX);
    try {
      const run = await startReplayRun(pool, { actor: values.actor, target, ratePerSecond: Number(values.rate) });
      say(`replay run #${run.id}: ${run.total} dead letters at ${run.ratePerSecond}/s`);
      const final = await executeReplayRun({ pool, queues, retryPolicy: retryPolicyFromEnv(env) }, run.id);
      say(`run #${final.id} ${final.state}: replayed ${final.replayed}, skipped ${final.skipped}, failed ${final.failed}`);
      return final.failed === 0 ? 0 : 1;
    } finally {
      await closeQueues(queues);
      redis.disconnect();
    }
  } finally {
    await pool.end();
  }
}
