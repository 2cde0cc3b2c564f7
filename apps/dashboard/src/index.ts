export { createDashboardApp, type DashboardDeps } from "./app.ts";
export { dashboardEnvSchema, DEV_DASHBOARD_USERS, loadDashboardEnv, type DashboardEnv } from "./env.ts";
export { startDashboard } from "./start.ts";
