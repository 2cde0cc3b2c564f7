// Test support: real Postgres databases and Redis servers of a test's own. Never used by the apps.
export { killSpawnedApps, spawnApp, spawnCaptured, stopChild, type AppName, type AppProcess } from "./app-process.ts";
export { createEmbeddedTestDatabase, createTestDatabase, prepareTestDatabases, testPgAdminUrl, type TestDatabase } from "./database.ts";
export { freePort } from "./ports.ts";
export { startPostgresServer, type TestPostgresServer } from "./postgres-server.ts";
export { startRedisCluster, type TestRedisCluster } from "./redis-cluster.ts";
export { startRedisServer, type TestRedisServer } from "./redis-server.ts";
export { ensureTestServices, testRedisUrl, type TestServices } from "./test-services.ts";
export { SystemStack, SYSTEM_MERCHANT, type SystemSettings } from "./system.ts";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
export { waitFor } from "./wait-for.ts";
