// The ops console's actions. Pages are rendered on the server; this file only sends actions to /api,
// always with a dry-run count and a confirmation first, and follows a bulk replay's progress.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const dialog = document.getElementById("confirm-dialog");

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.error?.message ?? `request failed (${response.status})`);
  return json;
}

/** Asks in a modal; resolves to { reason } when confirmed, null when not. */
function ask({ title, message, needReason = false, confirmLabel = "Confirm" }) {
  dialog.querySelector("h2").textContent = title;
  dialog.querySelector("p").textContent = message;
  const reason = dialog.querySelector("textarea");
  reason.value = "";
  reason.hidden = !needReason;
  reason.required = needReason;
  const confirm = dialog.querySelector("button[value=confirm]");
  confirm.textContent = confirmLabel;
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => resolve(dialog.returnValue === "confirm" ? { reason: reason.value.trim() } : null),
      { once: true },
    );
  });
}

function tell(title, message) {
  return ask({ title, message, confirmLabel: "OK" });
}

function currentFilter() {
  const form = document.querySelector("form.filters");
  if (!form) return {};
  const filter = {};
  for (const [key, value] of new FormData(form)) {
    if (!value || key === "after") continue;
    filter[key] = key === "from" || key === "to" ? new Date(value).toISOString() : value;
  }
  return filter;
}

const selectedIds = () => [...document.querySelectorAll("input[name=selected]:checked")].map((box) => box.value);
const rate = () => Number(document.getElementById("replay-rate")?.value || 10);

async function replay(target, label) {
  const { count } = await api("POST", "/api/dead-letters/replay", { ...target, dryRun: true });
  if (count === 0) return tell("Nothing to replay", `No live dead letters in ${label}.`);
  const answer = await ask({
    title: "Replay dead letters",
    message: `Replay ${count} payment${count === 1 ? "" : "s"} (${label}) at ${rate()} per second? Each resumes at its failed step; captured payments are never charged again.`,
    confirmLabel: `Replay ${count}`,
  });
  if (!answer) return;
  const { run } = await api("POST", "/api/dead-letters/replay", { ...target, ratePerSecond: rate() });
  await follow(run.id);
}

async function discard(target, label) {
  const { count } = await api("POST", "/api/dead-letters/discard", { ...target, dryRun: true });
  if (count === 0) return tell("Nothing to discard", `No live dead letters in ${label}.`);
  const answer = await ask({
    title: "Discard dead letters",
    message: `Discard ${count} payment${count === 1 ? "" : "s"} (${label})? They stay dead-lettered and can no longer be replayed. A reason is required.`,
    needReason: true,
    confirmLabel: `Discard ${count}`,
  });
  if (!answer) return;
  await api("POST", "/api/dead-letters/discard", { ...target, reason: answer.reason });
  location.reload();
}

/** Shows a run's progress until it ends, with a way to cancel it. */
async function follow(id) {
  const panel = document.getElementById("run-progress");
  panel.hidden = false;
  for (;;) {
    const { run } = await api("GET", `/api/replays/${id}`);
    panel.querySelector("progress").max = Math.max(run.total, 1);
    panel.querySelector("progress").value = run.done;
    panel.querySelector(".status").textContent =
      `Run #${run.id} ${run.state}: ${run.done} of ${run.total} (replayed ${run.replayed}, skipped ${run.skipped}, failed ${run.failed})`;
    panel.querySelector("button").dataset.run = String(run.id);
    panel.querySelector("button").hidden = run.state !== "running";
    if (run.state !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  setTimeout(() => location.reload(), 1500);
}

const actions = {
  "replay-selected": () => {
    const ids = selectedIds();
    return ids.length ? replay({ ids }, "the selection") : tell("Nothing selected", "Tick the dead letters to replay.");
  },
  "replay-filter": () => replay({ filter: currentFilter() }, "everything matching the filter"),
  "discard-selected": () => {
    const ids = selectedIds();
    return ids.length ? discard({ ids }, "the selection") : tell("Nothing selected", "Tick the dead letters to discard.");
  },
  "replay-one": (button) => replay({ ids: [button.dataset.id] }, "this payment"),
  "discard-one": (button) => discard({ ids: [button.dataset.id] }, "this payment"),
  "cancel-run": async (button) => {
    await api("POST", `/api/replays/${button.dataset.run}/cancel`);
  },
  "follow-run": (button) => follow(button.dataset.run),
  force: async (button) => {
    const { breaker, force } = button.dataset;
    const answer = await ask({
      title: `${force === "reset" ? "Reset" : `Force ${force}`}: ${breaker}`,
      message: "Say why; it goes in the audit log.",
      needReason: true,
    });
    if (!answer) return;
    await api("POST", `/api/breakers/${encodeURIComponent(breaker)}/force`, { action: force, reason: answer.reason });
    location.reload();
  },
};

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  event.preventDefault();
  const action = actions[button.dataset.action];
  button.disabled = true;
  Promise.resolve(action(button))
    .catch((error) => tell("That did not work", error.message))
    .finally(() => (button.disabled = false));
});

document.getElementById("select-all")?.addEventListener("change", (event) => {
  for (const box of document.querySelectorAll("input[name=selected]")) box.checked = event.target.checked;
});

const running = document.querySelector("[data-follow-run]");
if (running) follow(running.dataset.followRun);
