import { createLogger, exitOnStartupError, stopOnSignals } from "@payq/runtime";
import { DEV_DASHBOARD_USERS, loadDashboardEnv } from "./env.ts";
import { startDashboard } from "./start.ts";

const logger = createLogger({ name: "dashboard", level: process.env.LOG_LEVEL });

try {
  const env = loadDashboardEnv();
  const dashboard = await startDashboard(env, logger);
  logger.info({ port: dashboard.port, host: env.HOST }, "dashboard listening");
  if (env.PAYQ_DASHBOARD_USERS === DEV_DASHBOARD_USERS) {
    logger.warn(
      { users: "admin / payq-admin (operator), viewer / payq-viewer (viewer)" },
      "using the development dashboard users; set PAYQ_DASHBOARD_USERS in production",
    );
  }
  stopOnSignals(logger, dashboard.stop);
} catch (error) {
  exitOnStartupError(logger, error);
}
