import { describe, expect, it } from "vitest";
import { isStepFailure, StepFailure, toStepFailure } from "./step-failure.ts";

describe("toStepFailure", () => {
  it("keeps a StepFailure as it is", () => {
    const failure = new StepFailure("charge", "rate_limited", "bank_http_429", "slow down", 2_000);
    expect(toStepFailure("ledger", failure)).toBe(failure);
  });

  it("classifies a Postgres error by its SQLSTATE", () => {
    const lost = Object.assign(new Error("terminating connection"), { code: "57P01", severity: "FATAL" });
    expect(toStepFailure("ledger", lost)).toMatchObject({ step: "ledger", errorClass: "transient", code: "pg_57P01" });
    const broken = Object.assign(new Error("violates check constraint"), { code: "23514", severity: "ERROR" });
    expect(toStepFailure("ledger", broken)).toMatchObject({ errorClass: "permanent", code: "pg_23514" });
  });

  it("classifies a Node system error by its code", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(toStepFailure("notify", refused)).toMatchObject({ errorClass: "transient", code: "econnrefused" });
  });

  it("retries the unexpected", () => {
    const failure = toStepFailure("charge", new TypeError("x is undefined"));
    expect(failure).toMatchObject({ errorClass: "transient", code: "unexpected", message: "x is undefined" });
    expect(isStepFailure(failure)).toBe(true);
    expect(isStepFailure(new Error("plain"))).toBe(false);
  });
});
