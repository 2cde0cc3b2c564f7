import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { RedisClient } from "../queues/redis.ts";
import { budgetFromHash, stateFromHash } from "./breaker-hash.ts";
import { breakerKeys, breakerRegistryKey } from "./breaker-keys.ts";
import { windowTotals, type Admission, type ForceAction, type MachineOptions, type Transition } from "./breaker-machine.ts";
import type { StoreFailureMode } from "./breaker-options.ts";
import type { BreakerKind, BreakerState } from "./breaker-state.ts";

const SCRIPT = readFileSync(new URL("./lua/breaker-3.lua", import.meta.url), "utf8");
const SCRIPT_SHA = createHash("sha1").update(SCRIPT).digest("hex");
/** While the store is unreachable and fails closed, callers wait this long before asking again. */
const STORE_DOWN_RETRY_MS = 1_000;

export type BreakerOperation = "admit" | "record" | "force" | "read";

export interface ScriptReply {
  now: number;
  result: Admission | null;
  transition: Transition | null;
  state: Record<string, string>;
  budget: Record<string, string> | null;
}

/**
 * One call of lua/breaker-3.lua. `now` pins the clock (tests); without it the script uses Redis's own.
 * EVALSHA with a fallback to EVAL, so the script is sent over the wire once per connection.
 */
export async function runBreakerScript(
  redis: RedisClient,
  keys: ReturnType<typeof breakerKeys>,
  call: { operation: BreakerOperation; now?: number; options: MachineOptions; input: object },
): Promise<ScriptReply> {
  const args = [
    call.operation,
    call.now === undefined ? "" : String(call.now),
    JSON.stringify({ breaker: call.options.breaker, budget: call.options.budget }),
    JSON.stringify(call.input),
  ];
  const raw = (await redis
    .evalsha(SCRIPT_SHA, 3, keys.state, keys.events, keys.budget, ...args)
    .catch((error: Error) => {
      if (!error.message.includes("NOSCRIPT")) throw error;
      return redis.eval(SCRIPT, 3, keys.state, keys.events, keys.budget, ...args);
    })) as string;
  return JSON.parse(raw) as ScriptReply;
}

/** A call that may go out; hand it back to `record` with how it went. */
export interface BreakerTicket {
  name: string;
  probe: boolean;
  generation: number;
  startedAt: number;
}

export type Gate =
  | { kind: "go"; ticket: BreakerTicket }
  | {
      kind: "wait";
      reason: "open" | "forced_open" | "half_open_busy" | "retry_budget" | "store_unavailable";
      retryAfterMs: number;
    };

export interface BreakerSnapshot {
  name: string;
  kind: BreakerKind;
  since: number;
  calls: number;
  failures: number;
  failureRate: number;
  /** When the open period ends (open only). */
  openUntil: number | null;
  msUntilHalfOpen: number | null;
  probesGranted: number;
  budgetTokens: number | null;
  forcedBy: string | null;
  forcedReason: string | null;
}

export interface FleetBreakerHooks {
  /** Called once per transition, fleet-wide: only in the process whose call made it. */
  onTransition?(name: string, transition: Transition, state: BreakerState): void;
  /** Called after every admit/record with the state this process saw. */
  onState?(name: string, state: BreakerState, budgetTokens: number | null): void;
  onStoreError?(name: string, error: Error): void;
}

/**
 * The fleet's breakers and retry budgets, kept in Redis. Every decision is one atomic script call
 * (lua/breaker-3.lua), so every worker on every machine sees the same state, and a half-open window
 * grants its probes to the fleet as a whole.
 */
export class FleetBreakers {
  private readonly known = new Set<string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly options: MachineOptions & { storeFailureMode: StoreFailureMode },
    private readonly hooks: FleetBreakerHooks = {},
    /** Tests pin the clock; in production the Redis server's clock is the fleet's one clock. */
    private readonly clock?: () => number,
  ) {}

  get enabled(): boolean {
    return this.options.breaker !== null || this.options.budget !== null;
  }

  /** May a call to `name` go out now? `retry` spends the retry budget. */
  async admit(name: string, input: { retry: boolean }): Promise<Gate> {
    const startedAt = Date.now();
    if (!this.enabled) return { kind: "go", ticket: { name, probe: false, generation: 0, startedAt } };
    let reply: ScriptReply;
    try {
      reply = await this.run(name, "admit", input);
    } catch (error) {
      this.hooks.onStoreError?.(name, error as Error);
      return this.options.storeFailureMode === "open"
        ? { kind: "go", ticket: { name, probe: false, generation: -1, startedAt } }
        : { kind: "wait", reason: "store_unavailable", retryAfterMs: STORE_DOWN_RETRY_MS };
    }
    const admission = reply.result as Admission;
    switch (admission.decision) {
      case "allow":
      case "probe":
        return { kind: "go", ticket: { name, probe: admission.decision === "probe", generation: admission.generation, startedAt } };
      case "reject":
        return { kind: "wait", reason: admission.reason, retryAfterMs: Math.max(1, admission.retryAfterMs) };
      case "defer":
        return { kind: "wait", reason: "retry_budget", retryAfterMs: Math.max(1, admission.retryAfterMs) };
    }
  }

  /** Reports how an admitted call went. Never throws: a lost report only costs the breaker one data point. */
  async record(ticket: BreakerTicket, outcome: { failed: boolean }): Promise<void> {
    if (!this.options.breaker || ticket.generation < 0) return;
    await this.run(ticket.name, "record", {
      failed: outcome.failed,
      durationMs: Date.now() - ticket.startedAt,
      probe: ticket.probe,
      generation: ticket.generation,
    }).catch((error: unknown) => this.hooks.onStoreError?.(ticket.name, error as Error));
  }

  /** An operator's override: hold `name` open, hold it closed, or reset it. */
  async force(name: string, action: ForceAction, by: string, reason: string): Promise<BreakerSnapshot> {
    const reply = await this.run(name, "force", { action, by, reason });
    return this.snapshotOf(name, reply);
  }

  async snapshot(name: string): Promise<BreakerSnapshot> {
    return this.snapshotOf(name, await this.run(name, "read", {}));
  }

  /**
   * When the breaker last left `closed` (or `forced_closed`), if it has not been closed since: how long
   * it has been holding calls back, across any number of re-opens. Null while closed.
   */
  async troubledSince(name: string): Promise<number | null> {
    const entries = await this.redis.xrevrange(breakerKeys(this.prefix, name).events, "+", "-", "COUNT", 500);
    const events = entries.map(([, fields]) => Object.fromEntries(pairs(fields)) as Record<string, string>);
    if (!events.length || events[0]!.to === "closed" || events[0]!.to === "forced_closed") return null;
    const left = events.find((event) => event.from === "closed" || event.from === "forced_closed");
    return Number((left ?? events.at(-1))!.at);
  }

  /** Every breaker any process of this deployment has used. */
  async names(): Promise<string[]> {
    return (await this.redis.smembers(breakerRegistryKey(this.prefix))).sort();
  }

  private async run(name: string, operation: BreakerOperation, input: object): Promise<ScriptReply> {
    if (!this.known.has(name)) {
      await this.redis.sadd(breakerRegistryKey(this.prefix), name);
      this.known.add(name);
    }
    const reply = await runBreakerScript(this.redis, breakerKeys(this.prefix, name), {
      operation,
      now: this.clock?.(),
      options: this.options,
      input,
    });
    const state = stateFromHash(reply.state);
    if (reply.transition) this.hooks.onTransition?.(name, reply.transition, state);
    this.hooks.onState?.(name, state, budgetFromHash(reply.budget)?.tokens ?? null);
    return reply;
  }

  private snapshotOf(name: string, reply: ScriptReply): BreakerSnapshot {
    const state = stateFromHash(reply.state);
    const totals =
      state.kind === "closed" && this.options.breaker
        ? windowTotals(state.window, reply.now, this.options.breaker)
        : { calls: 0, failures: 0 };
    return {
      name,
      kind: state.kind,
      since: state.since,
      calls: totals.calls,
      failures: totals.failures,
      failureRate: totals.calls ? totals.failures / totals.calls : 0,
      openUntil: state.kind === "open" ? state.until : null,
      msUntilHalfOpen: state.kind === "open" ? Math.max(0, state.until - reply.now) : null,
      probesGranted: state.kind === "half_open" ? state.probesGranted : 0,
      budgetTokens: budgetFromHash(reply.budget)?.tokens ?? null,
      forcedBy: state.kind === "forced_open" || state.kind === "forced_closed" ? state.by : null,
      forcedReason: state.kind === "forced_open" || state.kind === "forced_closed" ? state.reason : null,
    };
  }
}

function pairs(flat: string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([flat[i]!, flat[i + 1]!]);
  return result;
}
