import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  admit,
  breakerKeys,
  budgetFromHash,
  force,
  INITIAL_BREAKER_STATE,
  record,
  runBreakerScript,
  stateFromHash,
  type Admission,
  type BreakerState,
  type BudgetState,
  type ForceAction,
  type MachineOptions,
} from "@payq/shared";
import { SHARED_REDIS_URL } from "./support/stack.ts";

/** Small numbers, so a short history crosses every transition. */
const OPTIONS: MachineOptions = {
  breaker: {
    windowMs: 3_000,
    bucketMs: 500,
    minimumCalls: 5,
    failureRateThreshold: 0.7,
    consecutiveFailureThreshold: 3,
    slowCallMs: 600,
    openMs: 1_000,
    openBackoffFactor: 2,
    maxOpenMs: 4_000,
    halfOpenProbes: 2,
    probeTimeoutMs: 2_500,
    halfOpenRetryMs: 100,
  },
  budget: { ratio: 0.2, maxTokens: 3, minPerSecond: 0.5 },
};

type Step =
  | { op: "wait"; ms: number }
  | { op: "admit"; retry: boolean }
  | { op: "record"; ticket: number; failed: boolean; durationMs: number }
  | { op: "force"; action: ForceAction };

/** Weighted towards calls and failures, so histories trip, probe, re-open and close often. */
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 1_500 }) }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant("admit" as const), retry: fc.boolean() }), weight: 12 },
  {
    arbitrary: fc.record({
      op: fc.constant("record" as const),
      ticket: fc.nat(),
      failed: fc.integer({ min: 0, max: 9 }).map((n) => n < 4),
      durationMs: fc.integer({ min: 0, max: 700 }),
    }),
    weight: 12,
  },
  // Rare: a forced breaker ignores everything until the next force, which would make most histories dull.
  { arbitrary: fc.record({ op: fc.constant("force" as const), action: fc.constantFrom<ForceAction>("open", "closed", "reset") }), weight: 1 },
);

/** Every transition the machine can make; the property must see each at least once to mean anything. */
const ALL_TRANSITIONS = [
  "closed→open:failure_rate",
  "closed→open:consecutive_failures",
  "open→half_open:cool_down_elapsed",
  "half_open→open:probe_failed",
  "half_open→open:probe_timeout",
  "half_open→closed:probes_succeeded",
];

describe("breaker-3.lua carries out the TypeScript state machine exactly", () => {
  const redis = new Redis(SHARED_REDIS_URL);
  const prefix = `payq-test-breaker-${randomBytes(3).toString("hex")}`;
  afterAll(async () => {
    const keys = await redis.keys(`{${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("gives the same answers and states for random histories", async () => {
    let run = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 120, size: "max" }), async (steps) => {
        const keys = breakerKeys(prefix, `diff-${run++}`);
        let now = 1_800_000_000_000;
        let state: BreakerState = INITIAL_BREAKER_STATE;
        let budget: BudgetState | null = null;
        const tickets: { probe: boolean; generation: number }[] = [];
        for (const s of steps) {
          if (s.op === "wait") {
            now += s.ms;
            continue;
          }
          let expected: Admission | null = null;
          let input: object;
          if (s.op === "admit") {
            const outcome = admit(state, budget, { now, retry: s.retry }, OPTIONS);
            ({ state, result: expected } = outcome);
            budget = outcome.budget;
            if (expected.decision === "allow" || expected.decision === "probe") {
              tickets.push({ probe: expected.decision === "probe", generation: expected.generation });
            }
            input = { retry: s.retry };
          } else if (s.op === "record") {
            // Answers mostly come back for recent calls, each once.
            const [ticket = { probe: false, generation: 0 }] = tickets.splice(Math.max(0, tickets.length - 1 - (s.ticket % 3)), 1);
            input = { failed: s.failed, durationMs: s.durationMs, ...ticket };
            state = record(state, { now, failed: s.failed, durationMs: s.durationMs, ...ticket }, OPTIONS.breaker!).state;
          } else {
            input = { action: s.action, by: "ops", reason: "test" };
            state = force(state, { now, action: s.action, by: "ops", reason: "test" }).state;
          }
          const reply = await runBreakerScript(redis, keys, { operation: s.op, now, options: OPTIONS, input });
          if (reply.transition) seen.add(`${reply.transition.from}→${reply.transition.to}:${reply.transition.reason}`);
          expect(reply.result).toEqual(expected);
          expect(stateFromHash(reply.state)).toEqual(state);
          const luaTokens = budgetFromHash(reply.budget)?.tokens ?? null;
          if (budget === null) expect(luaTokens).toBeNull();
          else expect(luaTokens).toBeCloseTo(budget.tokens, 9);
        }
      }),
      { numRuns: 300, seed: 20261203 },
    );
    expect([...seen].filter((t) => ALL_TRANSITIONS.includes(t)).sort()).toEqual([...ALL_TRANSITIONS].sort());
  });
});
