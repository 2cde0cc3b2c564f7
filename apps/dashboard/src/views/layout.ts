import type { User } from "../auth/users.ts";
import { escapeHtml } from "@payq/runtime";

export type Section = "overview" | "dead-letters" | "breakers" | "audit";

const SECTIONS: [Section, string, string][] = [
  ["overview", "/", "Overview"],
  ["dead-letters", "/dead-letters", "Dead letters"],
  ["breakers", "/breakers", "Breakers"],
  ["audit", "/audit", "Audit"],
];

export interface LayoutContext {
  user: User;
  csrfToken: string;
}

/** Every console page: navigation, who is signed in, and the confirmation dialog actions use. */
export function layout(context: LayoutContext, section: Section, title: string, body: string): string {
  const nav = SECTIONS.map(
    ([id, href, label]) => `<a href="${href}"${id === section ? ' class="active"' : ""}>${label}</a>`,
  ).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${escapeHtml(context.csrfToken)}">
<title>${escapeHtml(title)} · payq</title>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/console.js" defer></script>
</head>
<body>
<header>
  <strong>payq</strong>
  <nav>${nav}<a href="/queues">Queues</a></nav>
  <div class="who">
    <span>${escapeHtml(context.user.name)} <span class="pill">${escapeHtml(context.user.role)}</span></span>
    <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(context.csrfToken)}"><button>Sign out</button></form>
  </div>
</header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
<dialog id="confirm-dialog">
  <form method="dialog">
    <h2></h2>
    <p></p>
    <textarea name="reason" placeholder="Reason" maxlength="500" hidden></textarea>
    <menu><button value="cancel" formnovalidate>Cancel</button><button value="confirm" class="primary">Confirm</button></menu>
  </form>
</dialog>
</body>
</html>`;
}

export const pill = (value: string) => `<span class="pill ${escapeHtml(value)}">${escapeHtml(value.replace(/_/g, " "))}</span>`;
