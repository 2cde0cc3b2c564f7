import express, { type Express, type RequestHandler } from "express";
import { errorHandler, notFound, operationsRouter, type Logger, type ReadinessCheck } from "@payq/runtime";
import type { PayqQueues } from "@payq/shared";
import type { Registry } from "prom-client";
import { loginRoutes } from "./auth/login-routes.ts";
import { requireLogin } from "./auth/require-login.ts";
import type { UserDirectory } from "./auth/users.ts";
import { BULL_BOARD_PATH, bullBoardRouter } from "./bull-board.ts";

export interface DashboardDeps {
  queues: PayqQueues;
  users: UserDirectory;
  sessions: RequestHandler;
  logger: Logger;
  readiness: ReadinessCheck[];
  registry: Registry;
}

/** The operations dashboard, built without listening: login, then bull-board over every payq queue. */
export function createDashboardApp(deps: DashboardDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(operationsRouter(deps.readiness, deps.registry));
  app.use(deps.sessions);
  app.use(loginRoutes(deps.users, deps.logger));
  app.use(requireLogin);
  app.get("/", (_req, res) => res.redirect(303, BULL_BOARD_PATH));
  app.use(BULL_BOARD_PATH, bullBoardRouter(deps.queues));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
