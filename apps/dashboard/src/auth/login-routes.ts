import express, { Router, type Request } from "express";
import type { Logger } from "@payq/runtime";
import { loginPage } from "../views/login.ts";
import type { UserDirectory } from "./users.ts";

/** Only same-site paths: a login link can never bounce an operator to another origin. */
function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : "/";
}

const regenerate = (req: Request) =>
  new Promise<void>((resolve, reject) =>
    req.session.regenerate((error?: Error) => (error ? reject(error) : resolve())),
  );

export function loginRoutes(users: UserDirectory, logger: Logger): Router {
  const router = Router();
  router.get("/login", (req, res) => {
    res.type("html").send(loginPage({ next: safeNext(req.query.next) }));
  });
  router.post("/login", express.urlencoded({ extended: false, limit: "4kb" }), async (req, res) => {
    const { username, password, next } = (req.body ?? {}) as Record<string, unknown>;
    const user =
      typeof username === "string" && typeof password === "string" ? await users.authenticate(username, password) : null;
    if (!user) {
      logger.warn({ user: typeof username === "string" ? username.slice(0, 64) : null }, "dashboard login failed");
      res.status(401).type("html").send(loginPage({ error: "Wrong user or password.", next: safeNext(next) }));
      return;
    }
    // A fresh session id at login, so a session fixed before login is worth nothing after it.
    await regenerate(req);
    req.session.user = user;
    logger.info({ user: user.name, role: user.role }, "dashboard login");
    res.redirect(303, safeNext(next));
  });
  router.post("/logout", (req, res) => {
    req.session.destroy(() => res.redirect(303, "/login"));
  });
  return router;
}
