import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDashboardEnv, startDashboard } from "@payq/dashboard";
import type { RunningApp } from "@payq/runtime";
import { DashboardClient } from "./support/dashboard-client.ts";
import { Stack, testLogger } from "./support/stack.ts";

describe("dashboard: login, sessions, bull-board", () => {
  let stack: Stack;
  let dashboard: RunningApp;
  let base: string;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    dashboard = await startDashboard(loadDashboardEnv({ ...stack.env, DASHBOARD_PORT: "0" }), testLogger);
    base = `http://127.0.0.1:${dashboard.port}`;
  });
  afterAll(async () => {
    await dashboard?.stop();
    await stack?.stop();
  });

  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ username, password, next: "/queues" }),
    });

  it("sends strangers to the login page, and their API calls get 401", async () => {
    const page = await fetch(`${base}/queues`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2Fqueues");
    expect((await fetch(`${base}/queues/api/queues`, { redirect: "manual" })).status).toBe(401);
    expect((await fetch(`${base}/api/dead-letters`, { redirect: "manual" })).status).toBe(401);
  });

  it("refuses a wrong password, and a login posted from another site", async () => {
    const response = await login("admin", "not-the-password");
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect((await login("nobody", "payq-admin")).status).toBe(401);
    expect((await login("admin", "payq-admin", { origin: "https://evil.example" })).status).toBe(403);
  });

  it("locks a user name after 5 failed logins, even with the right password", async () => {
    for (let i = 0; i < 5; i += 1) expect((await login("viewer", `wrong-${i}`)).status).toBe(401);
    const locked = await login("viewer", "payq-viewer");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    await stack.redis.del(`${stack.prefix}:login:user:viewer`);
  });

  it("signs in with a fresh, strict, httpOnly session and shows every payq queue", async () => {
    const response = await login("admin", "payq-admin");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/queues");
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^payq\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);

    const client = await DashboardClient.login(base, "admin", "payq-admin");
    expect(client.cookie).not.toBe(cookie.split(";")[0]);
    const queues = await client.get("/queues/api/queues");
    expect(queues.status).toBe(200);
    expect((queues.body.queues as { name: string; readOnlyMode: boolean }[]).map((q) => [q.name, q.readOnlyMode]).sort()).toEqual([
      ["notifications", false],
      ["notifications-dead-letter", true],
      ["payments", false],
      ["payments-dead-letter", true],
    ]);
    const viewer = await DashboardClient.login(base, "viewer", "payq-viewer");
    const viewerQueues = (await viewer.get("/queues/api/queues")).body.queues as { readOnlyMode: boolean }[];
    expect(viewerQueues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it("logs out only with the CSRF token, and the session is then gone", async () => {
    const client = await DashboardClient.login(base, "admin", "payq-admin");
    const forged = await fetch(`${base}/logout`, { method: "POST", headers: { cookie: client.cookie }, redirect: "manual" });
    expect(forged.status).toBe(403);
    const logout = await fetch(`${base}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: client.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: client.csrfToken }),
    });
    expect(logout.status).toBe(303);
    expect((await client.get("/api/overview")).status).toBe(401);
  });
});
