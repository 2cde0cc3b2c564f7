import { describe, expect, it } from "vitest";
import { PAYMENT_STATUSES, isTerminal, resumeStep } from "./payment.ts";
import { canTransition } from "./transitions.ts";

const ALLOWED = new Set(["accepted→succeeded", "accepted→declined", "accepted→dead_lettered", "dead_lettered→accepted"]);

describe("payment lifecycle", () => {
  const pairs = PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)("%s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}→${to}`));
  });

  it("has exactly one open status", () => {
    expect(PAYMENT_STATUSES.filter((status) => !isTerminal(status))).toEqual(["accepted"]);
  });

  it("resumes after the last durable step", () => {
    expect(resumeStep("started")).toBe("validate");
    expect(resumeStep("charge_captured")).toBe("ledger");
    expect(resumeStep("ledger_posted")).toBe("notify");
  });
});
