import type { BreakerKind, BreakerState, BreakerWindow, BudgetState } from "./breaker-state.ts";

/** Reads the breaker's Redis hash (as breaker-3.lua writes it) back into a BreakerState. */
export function stateFromHash(hash: Record<string, string>): BreakerState {
  const num = (field: string) => Number(hash[field] ?? 0);
  const since = num("since");
  const generation = num("gen");
  const kind = (hash.kind ?? "closed") as BreakerKind;
  switch (kind) {
    case "closed": {
      const window: BreakerWindow = {};
      for (const [field, value] of Object.entries(hash)) {
        const match = /^([cf]):(-?\d+)$/.exec(field);
        if (!match) continue;
        const index = Number(match[2]);
        const bucket = (window[index] ??= { calls: 0, failures: 0 });
        if (match[1] === "c") bucket.calls = Number(value);
        else bucket.failures = Number(value);
      }
      return { kind, since, generation, window, consecutiveFailures: num("cf") };
    }
    case "open":
      return { kind, since, generation, until: num("until"), reopenCount: num("reopen") };
    case "half_open":
      return {
        kind,
        since,
        generation,
        reopenCount: num("reopen"),
        probesGranted: num("probes"),
        probeSuccesses: num("succ"),
      };
    case "forced_open":
    case "forced_closed":
      return { kind, since, generation, by: hash.by ?? "", reason: hash.reason ?? "" };
  }
}

export function budgetFromHash(hash: Record<string, string> | null): BudgetState | null {
  return hash?.tokens === undefined ? null : { tokens: Number(hash.tokens), updatedAt: Number(hash.at ?? 0) };
}
