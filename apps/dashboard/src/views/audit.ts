import type { AuditRecord } from "@payq/shared";
import { timestamp } from "./format.ts";
import { escapeHtml } from "@payq/runtime";

export function auditBody(records: AuditRecord[], next: number | null): string {
  const rows = records
    .map(
      (r) => `<tr><td>${timestamp(r.at)}</td><td>${escapeHtml(r.actor)}</td><td><code>${escapeHtml(r.action)}</code></td>
      <td class="mono">${escapeHtml(r.target ?? "")}</td><td class="mono">${r.filter ? escapeHtml(JSON.stringify(r.filter)) : ""}</td>
      <td class="num">${r.count ?? ""}</td><td>${escapeHtml(r.outcome)}</td>
      <td class="mono">${escapeHtml(JSON.stringify(r.details))}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>Filter</th><th>Count</th><th>Outcome</th><th>Details</th></tr></thead>
<tbody>${rows || `<tr><td colspan="8" class="muted">Nothing yet.</td></tr>`}</tbody></table>
<div class="pager">${next ? `<a class="button" href="/audit?before=${next}">Older →</a>` : ""}</div>`;
}
