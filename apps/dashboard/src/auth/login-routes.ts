import express, { Router, type Request } from "express";
import type { Logger } from "@payq/runtime";
import { recordAudit, type Pool } from "@payq/shared";
import { loginPage } from "../views/login.ts";
import { newCsrfToken } from "./csrf.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { UserDirectory } from "./users.ts";

/** Only same-site paths: a login link can never bounce an operator to another origin. */
function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : "/";
}

const regenerate = (req: Request) =>
  new Promise<void>((resolve, reject) => req.session.regenerate((error?: Error) => (error ? reject(error) : resolve())));

export interface LoginDeps {
  users: UserDirectory;
  throttle: LoginThrottle;
  pool: Pool;
  logger: Logger;
}

export function loginRoutes(deps: LoginDeps): Router {
  const router = Router();
  router.get("/login", (req, res) => {
    res.type("html").send(loginPage({ next: safeNext(req.query.next) }));
  });
  router.post("/login", express.urlencoded({ extended: false, limit: "4kb" }), async (req, res) => {
    const { username, password, next } = (req.body ?? {}) as Record<string, unknown>;
    const name = typeof username === "string" ? username.slice(0, 64) : "";
    const address = req.ip ?? "unknown";
    const gate = await deps.throttle.check(name, address);
    if (!gate.allowed) {
      res
        .status(429)
        .set("Retry-After", String(gate.retryAfterS))
        .type("html")
        .send(loginPage({ error: `Too many failed sign-ins. Try again in ${Math.ceil(gate.retryAfterS / 60)} minutes.`, next: safeNext(next) }));
      return;
    }
    const user = typeof password === "string" ? await deps.users.authenticate(name, password) : null;
    if (!user) {
      await deps.throttle.failed(name, address);
      await recordAudit(deps.pool, { actor: name || "(none)", action: "login", outcome: "refused", details: { address } });
      deps.logger.warn({ user: name, address }, "dashboard login refused");
      res.status(401).type("html").send(loginPage({ error: "Wrong user or password.", next: safeNext(next) }));
      return;
    }
    await deps.throttle.succeeded(name);
    // A fresh session id at login, so a session fixed before login is worth nothing after it.
    await regenerate(req);
    req.session.user = user;
    req.session.csrfToken = newCsrfToken();
    await recordAudit(deps.pool, { actor: user.name, action: "login", outcome: "ok", details: { role: user.role, address } });
    deps.logger.info({ user: user.name, role: user.role }, "dashboard login");
    res.redirect(303, safeNext(next));
  });
  return router;
}

/** Behind login and CSRF like every other state change. */
export function logoutRoute(): Router {
  return Router().post("/logout", (req, res) => {
    req.session.destroy(() => res.redirect(303, "/login"));
  });
}
