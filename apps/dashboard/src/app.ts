import { fileURLToPath } from "node:url";
import express, { type Express, type RequestHandler } from "express";
import type { Registry } from "prom-client";
import { errorHandler, notFound, operationsRouter, type ReadinessCheck } from "@payq/runtime";
import { requireCsrfToken, requireSameOrigin } from "./auth/csrf.ts";
import { loginRoutes, logoutRoute, type LoginDeps } from "./auth/login-routes.ts";
import { requireLogin } from "./auth/require-role.ts";
import { BULL_BOARD_PATH, bullBoard } from "./bull-board.ts";
import type { ConsoleDeps } from "./console/console-deps.ts";
import { apiRoutes } from "./routes/api.ts";
import { pageRoutes } from "./routes/pages.ts";
import { bullBoardPolicy, securityHeaders } from "./security-headers.ts";

const ASSETS = fileURLToPath(new URL("../assets/", import.meta.url));

export interface DashboardDeps extends ConsoleDeps, Omit<LoginDeps, "pool" | "logger"> {
  sessions: RequestHandler;
  trustProxy: boolean;
  /** Served over HTTPS (directly or behind a TLS proxy): adds HSTS and upgrade-insecure-requests. */
  https: boolean;
  readiness: ReadinessCheck[];
  registry: Registry;
}

/** The operations dashboard, built without listening. Everything past /login needs a session. */
export function createDashboardApp(deps: DashboardDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy ? 1 : false);
  // First, so every response carries the headers: ops endpoints, assets, redirects, errors, bull-board.
  app.use(securityHeaders({ https: deps.https }));
  app.use(BULL_BOARD_PATH, bullBoardPolicy({ https: deps.https }));
  app.use(operationsRouter(deps.readiness, deps.registry));
  app.use("/assets", express.static(ASSETS, { maxAge: "1h", index: false }));
  app.use(deps.sessions);
  app.use(requireSameOrigin);
  app.use(loginRoutes(deps));
  app.use(requireLogin);
  // bull-board's own UI cannot send our CSRF token; its actions rely on the strict SameSite cookie and
  // the same-origin check above, and viewers get a read-only board.
  app.use(BULL_BOARD_PATH, bullBoard(deps.queues));
  app.use(express.urlencoded({ extended: false, limit: "4kb" }));
  app.use(requireCsrfToken);
  app.use(logoutRoute());
  app.use("/api", apiRoutes(deps));
  app.use(pageRoutes(deps));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
