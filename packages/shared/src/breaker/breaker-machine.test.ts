import { describe, expect, it } from "vitest";
import { admit, force, record, type Admission, type MachineOptions } from "./breaker-machine.ts";
import { DEFAULT_BREAKER_OPTIONS, type BreakerOptions } from "./breaker-options.ts";
import { INITIAL_BREAKER_STATE, type BreakerState } from "./breaker-state.ts";

const OPTIONS: BreakerOptions = {
  ...DEFAULT_BREAKER_OPTIONS,
  windowMs: 10_000,
  bucketMs: 1_000,
  minimumCalls: 4,
  failureRateThreshold: 0.5,
  consecutiveFailureThreshold: 5,
  slowCallMs: 500,
  openMs: 1_000,
  openBackoffFactor: 2,
  maxOpenMs: 5_000,
  halfOpenProbes: 2,
  probeTimeoutMs: 3_000,
  halfOpenRetryMs: 200,
};
const MACHINE: MachineOptions = { breaker: OPTIONS, budget: null };

/** A breaker driven by a fake clock: each call says when it happens. */
class Harness {
  state: BreakerState = INITIAL_BREAKER_STATE;
  transitions: string[] = [];
  now = 1_000_000;

  ask(): Admission {
    const outcome = admit(this.state, null, { now: this.now, retry: false }, MACHINE);
    this.state = outcome.state;
    if (outcome.transition) this.transitions.push(`${outcome.transition.from}→${outcome.transition.to}:${outcome.transition.reason}`);
    return outcome.result;
  }

  call(failed: boolean, durationMs = 10): Admission {
    const admission = this.ask();
    if (admission.decision === "allow" || admission.decision === "probe") {
      const outcome = record(this.state, { now: this.now, failed, durationMs, probe: admission.decision === "probe", generation: admission.generation }, OPTIONS);
      this.state = outcome.state;
      if (outcome.transition) this.transitions.push(`${outcome.transition.from}→${outcome.transition.to}:${outcome.transition.reason}`);
    }
    return admission;
  }

  after(ms: number): this {
    this.now += ms;
    return this;
  }
}

describe("breaker: closed", () => {
  it("trips on the failure rate once the window holds the minimum calls", () => {
    const h = new Harness();
    h.call(true);
    h.call(false);
    h.call(true);
    expect(h.state.kind).toBe("closed");
    h.call(false);
    expect(h.state).toMatchObject({ kind: "open", until: h.now + 1_000, reopenCount: 0 });
    expect(h.transitions).toEqual(["closed→open:failure_rate"]);
  });

  it("stays closed below the threshold rate", () => {
    const h = new Harness();
    for (let i = 0; i < 20; i += 1) h.call(i % 3 === 1);
    expect(h.state.kind).toBe("closed");
  });

  it("forgets failures that slid out of the window", () => {
    const h = new Harness();
    h.call(true);
    h.call(true);
    h.after(10_000);
    h.call(false);
    h.call(false);
    h.call(true);
    expect(h.state.kind).toBe("closed");
    if (h.state.kind === "closed") expect(Object.keys(h.state.window)).toHaveLength(1);
  });

  it("trips on consecutive failures, however many calls came before", () => {
    const h = new Harness();
    for (let i = 0; i < 30; i += 1) h.after(100).call(false);
    for (let i = 0; i < 4; i += 1) h.after(100).call(true);
    expect(h.state.kind).toBe("closed");
    h.after(100).call(true);
    expect(h.transitions).toEqual(["closed→open:consecutive_failures"]);
  });

  it("counts a slow success as a failure", () => {
    const h = new Harness();
    for (let i = 0; i < 4; i += 1) h.call(false, 501);
    expect(h.transitions).toEqual(["closed→open:failure_rate"]);
  });
});

function tripped(): Harness {
  const h = new Harness();
  for (let i = 0; i < 4; i += 1) h.call(true);
  return h;
}

describe("breaker: open and half-open", () => {
  it("rejects while open, saying how long is left", () => {
    const h = tripped();
    expect(h.after(400).ask()).toEqual({ decision: "reject", reason: "open", retryAfterMs: 600 });
  });

  it("grants exactly N probes after the cool-down, then turns the rest away", () => {
    const h = tripped().after(1_000);
    expect(h.ask()).toMatchObject({ decision: "probe" });
    expect(h.ask()).toMatchObject({ decision: "probe" });
    expect(h.ask()).toEqual({ decision: "reject", reason: "half_open_busy", retryAfterMs: 200 });
    expect(h.transitions.at(-1)).toBe("open→half_open:cool_down_elapsed");
  });

  it("closes after N successful probes, with a fresh window", () => {
    const h = tripped().after(1_000);
    h.call(false);
    expect(h.state.kind).toBe("half_open");
    h.call(false);
    expect(h.state).toMatchObject({ kind: "closed", consecutiveFailures: 0, window: {} });
    expect(h.transitions.at(-1)).toBe("half_open→closed:probes_succeeded");
    expect(h.ask()).toMatchObject({ decision: "allow" });
  });

  it("re-opens on one failed probe, for longer each time, up to the cap", () => {
    const h = tripped();
    const periods: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      if (h.state.kind === "open") {
        periods.push(h.state.until - h.now);
        h.after(h.state.until - h.now);
      }
      h.call(true);
    }
    expect(periods).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(h.transitions.filter((t) => t.endsWith("probe_failed"))).toHaveLength(5);
  });

  it("ignores a non-probe call and a probe from an earlier half-open window", () => {
    const h = tripped().after(1_000);
    const probe = h.ask();
    if (probe.decision !== "probe") throw new Error("expected a probe");
    const late = record(h.state, { now: h.now, failed: true, durationMs: 1, probe: false, generation: probe.generation }, OPTIONS);
    expect(late.state).toBe(h.state);
    const stale = record(h.state, { now: h.now, failed: true, durationMs: 1, probe: true, generation: probe.generation - 1 }, OPTIONS);
    expect(stale.state).toBe(h.state);
  });

  it("re-opens when granted probes never report back", () => {
    const h = tripped().after(1_000);
    h.ask();
    h.ask();
    expect(h.after(2_999).ask()).toMatchObject({ reason: "half_open_busy" });
    expect(h.after(1).ask()).toMatchObject({ decision: "reject", reason: "open", retryAfterMs: 2_000 });
    expect(h.transitions.at(-1)).toBe("half_open→open:probe_timeout");
  });

  it("ignores reports while open", () => {
    const h = tripped();
    const before = h.state;
    expect(record(before, { now: h.now, failed: false, durationMs: 1, probe: false, generation: 0 }, OPTIONS).state).toBe(before);
  });
});

describe("breaker: forced by an operator", () => {
  it("forced open rejects every call, and records change nothing", () => {
    const h = new Harness();
    h.state = force(h.state, { now: h.now, action: "open", by: "ops", reason: "bank maintenance" }).state;
    expect(h.ask()).toEqual({ decision: "reject", reason: "forced_open", retryAfterMs: 1_000 });
    expect(h.after(60_000).ask()).toMatchObject({ reason: "forced_open" });
    expect(h.state).toMatchObject({ kind: "forced_open", by: "ops", reason: "bank maintenance" });
  });

  it("forced closed lets every call through, failing or not", () => {
    const h = new Harness();
    h.state = force(h.state, { now: h.now, action: "closed", by: "ops", reason: "false alarm" }).state;
    for (let i = 0; i < 20; i += 1) expect(h.call(true)).toMatchObject({ decision: "allow" });
    expect(h.state.kind).toBe("forced_closed");
  });

  it("reset returns to a fresh closed breaker and says where it came from", () => {
    const h = tripped();
    const reset = force(h.state, { now: h.now, action: "reset", by: "ops", reason: "fixed" });
    expect(reset.state).toMatchObject({ kind: "closed", window: {}, consecutiveFailures: 0 });
    expect(reset.transition).toEqual({ from: "open", to: "closed", reason: "reset" });
  });
});

describe("breaker: disabled", () => {
  it("lets everything through", () => {
    const outcome = admit(INITIAL_BREAKER_STATE, null, { now: 0, retry: true }, { breaker: null, budget: null });
    expect(outcome.result).toEqual({ decision: "allow", generation: 0 });
  });
});
