import { describe, expect, it } from "vitest";
import { applyFaultsUpdate, faultsUpdateSchema, inOutage, NO_FAULTS } from "./faults.ts";

describe("faults", () => {
  it("turns outageForMs into a window starting now", () => {
    const now = Date.parse("2026-12-03T12:00:00Z");
    const faults = applyFaultsUpdate(NO_FAULTS, { outageForMs: 30_000 }, now);
    expect(faults.outage).toEqual({ from: "2026-12-03T12:00:00.000Z", until: "2026-12-03T12:00:30.000Z" });
    expect(inOutage(faults, now + 29_999)).toBe(true);
    expect(inOutage(faults, now + 30_000)).toBe(false);
    expect(inOutage(NO_FAULTS, now)).toBe(false);
  });

  it("refuses rates outside 0..1 and unknown knobs", () => {
    expect(faultsUpdateSchema.safeParse({ failureRate: 1.5 }).success).toBe(false);
    expect(faultsUpdateSchema.safeParse({ chaos: true }).success).toBe(false);
    expect(faultsUpdateSchema.safeParse({ failureRate: 0.5, latencyMs: 200 }).success).toBe(true);
  });
});
