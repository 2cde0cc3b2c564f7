import type { BreakerView } from "../console/overview.ts";
import { duration, timestamp } from "./format.ts";
import { escapeHtml } from "@payq/runtime";
import { pill } from "./layout.ts";

export function breakersBody(breakers: BreakerView[], canAct: boolean): string {
  if (!breakers.length) return `<p class="muted">No breaker has been used yet.</p>`;
  const rows = breakers
    .map((b) => {
      const buttons = canAct
        ? ["open", "closed", "reset"]
            .map(
              (force) =>
                `<button data-action="force" data-breaker="${escapeHtml(b.name)}" data-force="${force}">${force === "reset" ? "Reset" : `Force ${force}`}</button>`,
            )
            .join(" ")
        : "";
      const forced = b.forcedBy ? `<div class="muted">by ${escapeHtml(b.forcedBy)}: ${escapeHtml(b.forcedReason ?? "")}</div>` : "";
      return `<tr data-breaker="${escapeHtml(b.name)}"><td><code>${escapeHtml(b.name)}</code></td><td>${pill(b.kind)}${forced}</td>
      <td class="num">${(b.failureRate * 100).toFixed(0)} % (${b.failures} of ${b.calls})</td>
      <td>${b.msUntilHalfOpen === null ? "—" : duration(b.msUntilHalfOpen)}</td>
      <td class="num">${b.budgetTokens === null ? "—" : b.budgetTokens.toFixed(1)}</td>
      <td>${timestamp(b.since)}</td><td>${buttons}</td></tr>`;
    })
    .join("");
  return `<table><thead><tr><th>Dependency</th><th>State</th><th>Failure rate (window)</th><th>Half-open in</th>
<th>Retry budget</th><th>Since</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}
