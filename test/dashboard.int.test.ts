import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDashboardEnv, startDashboard } from "@payq/dashboard";
import type { RunningApp } from "@payq/runtime";
import { Stack, testLogger } from "./support/stack.ts";

describe("dashboard: bull-board behind login", () => {
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

  const login = (username: string, password: string) =>
    fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password, next: "/queues" }),
    });

  it("sends strangers to the login page, and their API calls get 401", async () => {
    const page = await fetch(`${base}/queues`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2Fqueues");
    expect((await fetch(`${base}/queues/api/queues`, { redirect: "manual" })).status).toBe(401);
  });

  it("refuses a wrong password", async () => {
    const response = await login("admin", "not-the-password");
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect((await login("nobody", "payq-admin")).status).toBe(401);
  });

  it("signs an operator in with a strict, httpOnly session cookie and shows every payq queue", async () => {
    const response = await login("admin", "payq-admin");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/queues");
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^payq\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const sid = cookie.split(";")[0]!;

    const queues = await fetch(`${base}/queues/api/queues`, { headers: { cookie: sid } });
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual([
      ["notifications", false],
      ["notifications-dead-letter", true],
      ["payments", false],
      ["payments-dead-letter", true],
    ]);

    await fetch(`${base}/logout`, { method: "POST", headers: { cookie: sid }, redirect: "manual" });
    expect((await fetch(`${base}/queues/api/queues`, { headers: { cookie: sid }, redirect: "manual" })).status).toBe(401);
  });
});
