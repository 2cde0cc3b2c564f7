import { ERROR_CLASSES, PIPELINE_STEPS, type DeadLetterPage, type ReplayRun } from "@payq/shared";
import { ago, money, timestamp } from "./format.ts";
import { escapeHtml } from "@payq/runtime";
import { pill } from "./layout.ts";

export interface DeadLettersView {
  /** The filter as typed, to refill the form. */
  form: Record<string, string>;
  page: DeadLetterPage;
  total: number;
  runs: ReplayRun[];
  canAct: boolean;
  defaultRate: number;
}

const options = (values: readonly string[], selected: string | undefined) =>
  `<option value="">any</option>${values.map((v) => `<option${v === selected ? " selected" : ""}>${v}</option>`).join("")}`;

function filters(form: Record<string, string>): string {
  const text = (name: string, label: string, type = "text") =>
    `<label>${label}<input type="${type}" name="${name}" value="${escapeHtml(form[name] ?? "")}"></label>`;
  return `<form class="filters" method="get" action="/dead-letters">
  <label>Error class<select name="errorClass">${options(ERROR_CLASSES, form.errorClass)}</select></label>
  <label>Failed step<select name="failedStep">${options(PIPELINE_STEPS, form.failedStep)}</select></label>
  ${text("merchantId", "Merchant")}
  ${text("from", "From", "datetime-local")}
  ${text("to", "To", "datetime-local")}
  ${text("q", "Search")}
  <button type="submit">Filter</button> <a class="button" href="/dead-letters">Clear</a>
</form>`;
}

export function runsTable(runs: ReplayRun[], canAct: boolean): string {
  if (!runs.length) return "";
  const rows = runs
    .map(
      (run) => `<tr><td>#${run.id}</td><td>${pill(run.state)}</td><td>${escapeHtml(run.actor)}</td>
      <td><progress max="${Math.max(run.total, 1)}" value="${run.done}"></progress> ${run.done} / ${run.total}</td>
      <td class="num">${run.replayed}</td><td class="num">${run.skipped}</td><td class="num">${run.failed}</td>
      <td>${run.ratePerSecond} / s</td><td>${ago(run.createdAt)}</td>
      <td>${canAct && run.state === "running" ? `<button data-action="cancel-run" data-run="${run.id}">Cancel</button>` : ""}</td></tr>`,
    )
    .join("");
  return `<h2>Replay runs</h2><table class="runs"><thead><tr><th>Run</th><th>State</th><th>By</th><th>Progress</th>
<th>Replayed</th><th>Skipped</th><th>Failed</th><th>Rate</th><th>Started</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function deadLettersBody(view: DeadLettersView): string {
  const { page } = view;
  const toolbar = view.canAct
    ? `<div class="toolbar">
  <label>Rate <input id="replay-rate" type="number" min="1" max="1000" value="${view.defaultRate}"> / s</label>
  <button class="primary" data-action="replay-selected">Replay selected</button>
  <button data-action="replay-filter">Replay all matching (${view.total})</button>
  <button class="danger" data-action="discard-selected">Discard selected</button>
</div>
<div id="run-progress" hidden><progress></progress> <span class="status"></span> <button data-action="cancel-run" hidden>Cancel</button></div>`
    : "";
  const running = view.runs.find((run) => run.state === "running");
  const rows = page.items
    .map(
      (d) => `<tr>
  ${view.canAct ? `<td><input type="checkbox" name="selected" value="${d.paymentId}" aria-label="select ${d.paymentId}"></td>` : ""}
  <td><a class="mono" href="/dead-letters/${d.paymentId}">${d.paymentId}</a></td>
  <td>${escapeHtml(d.merchantId)}</td><td class="num">${money(d.amount, d.currency)}</td>
  <td>${pill(d.errorClass)}</td><td>${d.failedStep}</td><td>${escapeHtml(d.reason)}</td>
  <td><code>${escapeHtml(d.errorCode)}</code> ${escapeHtml(d.errorMessage)}</td>
  <td class="num">${d.attempts}</td><td title="${timestamp(d.deadLetteredAt)}">${ago(d.deadLetteredAt)}</td></tr>`,
    )
    .join("");
  const query = new URLSearchParams(Object.entries(view.form).filter(([, v]) => v));
  const next = page.next ? `?${new URLSearchParams([...query, ["after", `${page.next.at}|${page.next.id}`]]).toString()}` : null;
  return `${filters(view.form)}
<p class="muted"><span data-count="matching">${view.total}</span> matching dead letters.</p>
${toolbar}
${running ? `<span data-follow-run="${running.id}" hidden></span>` : ""}
<table id="dead-letters"><thead><tr>${view.canAct ? '<th><input type="checkbox" id="select-all" aria-label="select all"></th>' : ""}
<th>Payment</th><th>Merchant</th><th>Amount</th><th>Class</th><th>Step</th><th>Reason</th><th>Error</th><th>Attempts</th><th>When</th></tr></thead>
<tbody>${rows || `<tr><td colspan="10" class="muted">No dead letters match.</td></tr>`}</tbody></table>
<div class="pager">${view.form.after ? `<a class="button" href="/dead-letters?${new URLSearchParams([...query].filter(([k]) => k !== "after")).toString()}">Newest</a>` : ""}${next ? `<a class="button" href="/dead-letters${next}">Older →</a>` : ""}</div>
${runsTable(view.runs, view.canAct)}`;
}
