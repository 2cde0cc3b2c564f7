import { PAYMENT_STATUSES } from "@payq/shared";
import type { Overview } from "../console/overview.ts";
import { ago, duration } from "./format.ts";
import { escapeHtml } from "@payq/runtime";
import { pill } from "./layout.ts";

const card = (label: string, value: string, id: string) =>
  `<div class="card" data-metric="${id}"><div class="label">${label}</div><div class="value">${value}</div></div>`;

export function overviewBody(o: Overview): string {
  const banners = o.alerts.map((alert) => `<div class="banner" role="alert">${escapeHtml(alert)}</div>`).join("");
  const statuses = PAYMENT_STATUSES.map((status) => card(status.replace("_", " "), String(o.payments[status]), `payments-${status}`)).join("");
  const breakers = o.breakers.length
    ? `<table><thead><tr><th>Breaker</th><th>State</th><th>Failure rate</th><th>Not closed for</th></tr></thead><tbody>${o.breakers
        .map(
          (b) => `<tr><td><code>${escapeHtml(b.name)}</code></td><td>${pill(b.kind)}</td>
          <td class="num">${(b.failureRate * 100).toFixed(0)} % of ${b.calls}</td>
          <td>${b.troubledSince === null ? "—" : duration(Date.now() - b.troubledSince)}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : `<p class="muted">No breaker has been used yet.</p>`;
  return `${banners}
<h2>Payments</h2>
<div class="cards">${statuses}</div>
<h2>Last minute</h2>
<div class="cards">
  ${card("settled / s", o.settledPerSecond.toFixed(1), "settled-per-second")}
  ${card("retries / s", o.retriesPerSecond.toFixed(1), "retries-per-second")}
</div>
<h2>Dead letters</h2>
<div class="cards">
  ${card("waiting", `<a href="/dead-letters">${o.dlq.depth}</a>`, "dlq-depth")}
  ${card("in the DLQ", String(o.dlq.queued), "dlq-queued")}
  ${card("oldest", o.dlq.oldestAt ? ago(o.dlq.oldestAt) : "—", "dlq-oldest")}
</div>
<h2>Breakers</h2>
${breakers}`;
}
