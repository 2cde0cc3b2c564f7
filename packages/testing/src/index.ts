// Test support: real Postgres databases and Redis servers of a test's own. Never used by the apps.
export { createTestDatabase, prepareTestDatabases, TEST_PG_ADMIN_URL, type TestDatabase } from "./database.ts";
export { freePort } from "./ports.ts";
export { startRedisServer, type TestRedisServer } from "./redis-server.ts";
export { waitFor } from "./wait-for.ts";
