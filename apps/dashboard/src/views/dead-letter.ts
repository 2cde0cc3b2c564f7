import type { DeadLetter, Payment } from "@payq/shared";
import { redact } from "../redact.ts";
import { money, timestamp } from "./format.ts";
import { escapeHtml } from "@payq/runtime";
import { pill } from "./layout.ts";

/** One dead letter: what failed, every attempt, the error and stack, and the payment (redacted). */
export function deadLetterBody(payment: Payment, letter: DeadLetter | null, canAct: boolean): string {
  if (!letter) {
    return `<p>Payment <code>${payment.id}</code> is not a dead letter now: it is ${pill(payment.status)}.</p>
<p><a href="/dead-letters">Back to dead letters</a></p>`;
  }
  const actions =
    canAct && !letter.discarded
      ? `<div class="toolbar">
  <input id="replay-rate" type="hidden" value="1">
  <button class="primary" data-action="replay-one" data-id="${payment.id}">Replay</button>
  <button class="danger" data-action="discard-one" data-id="${payment.id}">Discard</button>
</div>
<div id="run-progress" hidden><progress></progress> <span class="status"></span> <button data-action="cancel-run" hidden>Cancel</button></div>`
      : "";
  const discarded = letter.discarded
    ? `<div class="banner">Discarded by ${escapeHtml(letter.discarded.by)} at ${timestamp(Date.parse(letter.discarded.at))}: ${escapeHtml(letter.discarded.reason)}</div>`
    : "";
  const history = letter.history
    .map(
      (a) => `<tr><td class="num">${a.run}</td><td class="num">${a.attempt}</td><td>${a.step}</td><td>${pill(a.outcome)}</td>
      <td>${a.errorClass ? pill(a.errorClass) : ""}</td><td><code>${escapeHtml(a.errorCode ?? "")}</code></td>
      <td>${escapeHtml(a.errorMessage ?? "")}</td><td>${timestamp(Date.parse(a.startedAt))}</td></tr>`,
    )
    .join("");
  return `${discarded}${actions}
<table><tbody>
  <tr><th>Payment</th><td><code>${payment.id}</code> ${pill(payment.status)}</td></tr>
  <tr><th>Merchant</th><td>${escapeHtml(payment.merchantId)}</td></tr>
  <tr><th>Amount</th><td>${money(payment.amount, payment.currency)}</td></tr>
  <tr><th>Reason</th><td>${escapeHtml(letter.reason)}</td></tr>
  <tr><th>Error</th><td>${pill(letter.errorClass)} <code>${escapeHtml(letter.errorCode)}</code> ${escapeHtml(letter.errorMessage)}</td></tr>
  <tr><th>Failed step</th><td>${letter.failedStep} (resumes there on replay; recovery point <code>${payment.recoveryPoint}</code>)</td></tr>
  <tr><th>Attempts</th><td>${letter.attempts} in run ${letter.run}</td></tr>
  <tr><th>Dead-lettered</th><td>${timestamp(Date.parse(letter.deadLetteredAt))}</td></tr>
</tbody></table>
<h2>Attempts</h2>
<table><thead><tr><th>Run</th><th>Attempt</th><th>Step</th><th>Outcome</th><th>Class</th><th>Code</th><th>Message</th><th>Started</th></tr></thead>
<tbody>${history || `<tr><td colspan="8" class="muted">No attempt was recorded.</td></tr>`}</tbody></table>
<h2>Stack</h2>
<pre>${escapeHtml(letter.errorStack ?? "(none)")}</pre>
<h2>Payment (redacted)</h2>
<pre>${escapeHtml(JSON.stringify(redact(payment), null, 2))}</pre>`;
}
