import { describe, expect, it } from "vitest";
import { loadDashboardEnv, startDashboard } from "@payq/dashboard";
import { loadProducerEnv } from "@payq/producer";
import { ConfigError, hashApiKey, hashPassword } from "@payq/runtime";
import { spawnApp } from "@payq/testing";
import { loadWorkerEnv } from "@payq/worker";
import { testLogger } from "./support/stack.ts";

const PRODUCTION = { NODE_ENV: "production" };
const OWN_SECRET = "a-production-secret-of-its-own";
/** Nothing listens here: a start that got as far as connecting would fail differently. */
const NOWHERE = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/payq", REDIS_URL: "redis://127.0.0.1:1" };

/** The message `load` fails with; fails the test if it does not. */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("a production start with development or empty secrets", () => {
  it("is refused by the dashboard, naming the development users and session secret", () => {
    const message = refusal(() => loadDashboardEnv(PRODUCTION));
    expect(message).toContain("PAYQ_DASHBOARD_USERS: is unset, empty or the public development value");
    expect(message).toContain("SESSION_SECRET: is unset, empty or the public development value");
    expect(message.match(/NODE_ENV=production/g)).toHaveLength(2);
  });

  it("is refused by the worker for the development webhook secret, and for a blank one", () => {
    expect(refusal(() => loadWorkerEnv(PRODUCTION))).toMatch(/^invalid configuration:\n {2}PAYQ_WEBHOOK_SECRET: is unset/);
    expect(refusal(() => loadWorkerEnv({ ...PRODUCTION, PAYQ_WEBHOOK_SECRET: " ".repeat(32) }))).toContain("PAYQ_WEBHOOK_SECRET");
    expect(loadWorkerEnv({ ...PRODUCTION, PAYQ_WEBHOOK_SECRET: OWN_SECRET }).PAYQ_WEBHOOK_SECRET).toBe(OWN_SECRET);
  });

  it("is refused by the producer for the development API key", () => {
    expect(refusal(() => loadProducerEnv(PRODUCTION))).toContain("PAYQ_API_KEYS: is unset");
    const own = `merchant_one:${hashApiKey("sk_live_0123456789abcdef0123")}`;
    expect(loadProducerEnv({ ...PRODUCTION, PAYQ_API_KEYS: own }).PAYQ_API_KEYS).toBe(own);
  });

  it("leaves development alone: a bare start works with the defaults", () => {
    expect(() => loadDashboardEnv({})).not.toThrow();
    expect(() => loadWorkerEnv({})).not.toThrow();
    expect(() => loadProducerEnv({})).not.toThrow();
  });

  it("is refused by the dashboard for a user with an empty or development password, before it connects", async () => {
    const users = [
      `admin:operator:${await hashPassword("payq-admin")}`,
      `blank:viewer:${await hashPassword("")}`,
      `strong:operator:${await hashPassword("a long and private passphrase")}`,
    ].join(",");
    const env = loadDashboardEnv({ ...PRODUCTION, ...NOWHERE, SESSION_SECRET: OWN_SECRET, PAYQ_DASHBOARD_USERS: users });
    await expect(startDashboard(env, testLogger)).rejects.toThrow(
      "PAYQ_DASHBOARD_USERS: admin, blank have an empty or development password; NODE_ENV=production needs new ones",
    );
  });

  it("stops the dashboard process with exit code 1 and one clear line", async () => {
    const app = spawnApp("dashboard", { ...PRODUCTION, ...NOWHERE, LOG_LEVEL: "info" });
    const { code } = await app.exited;
    expect(code).toBe(1);
    const lines = app.output().trim().split("\n").map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe(60);
    expect(lines[0]!.msg).toMatch(/PAYQ_DASHBOARD_USERS: is unset.*\n.*SESSION_SECRET: is unset/s);
  });
});
