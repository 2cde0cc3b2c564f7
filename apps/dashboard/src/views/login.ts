import { escapeHtml } from "@payq/runtime";

export function loginPage(options: { error?: string; next?: string } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · payq</title>
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<main class="login">
  <h1>payq operations</h1>
  <form method="post" action="/login">
    <input type="hidden" name="next" value="${escapeHtml(options.next ?? "/")}">
    <label for="username">User</label>
    <input id="username" name="username" autocomplete="username" required autofocus>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit" class="primary">Sign in</button>
    ${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ""}
  </form>
</main>
</body>
</html>`;
}
