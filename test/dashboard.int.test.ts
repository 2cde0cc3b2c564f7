import { randomBytes } from "node:crypto";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUE_NAMES, queuePrefix } from "@payq/shared";
import type { RunningApp } from "@payq/runtime";
import { DashboardClient } from "./support/dashboard-client.ts";
import { Stack } from "./support/stack.ts";

describe("dashboard: login, sessions, bull-board", () => {
  let stack: Stack;
  let dashboard: RunningApp;
  let base: string;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    dashboard = await stack.startDashboard();
    base = `http://127.0.0.1:${dashboard.port}`;
  });
  afterAll(async () => stack?.stop());

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
    await stack.redis.del(`{${stack.prefix}:login}:user:viewer`);
  });

  it("limits one address to 20 failed logins a minute, whatever the user names", async () => {
    const earlier = await stack.redis.keys(`{${stack.prefix}:login}:*`);
    if (earlier.length) await stack.redis.del(...earlier);
    for (let i = 0; i < 20; i += 1) expect((await login(`stranger-${i}`, "guess")).status).toBe(401);
    const refused = await login("admin", "payq-admin");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("set-cookie")).toBeNull();
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const keys = await stack.redis.keys(`{${stack.prefix}:login}:*`);
    expect(keys.some((key) => key.startsWith(`{${stack.prefix}:login}:address:`))).toBe(true);
    await stack.redis.del(...keys);
  });

  it("gives a new session id at login and ends the session the browser had before", async () => {
    const before = (await DashboardClient.login(base, "viewer", "payq-viewer")).cookie;
    const response = await login("admin", "payq-admin", { cookie: before });
    expect(response.status).toBe(303);
    const after = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(after).toMatch(/^payq\.sid=./);
    expect(after).not.toBe(before);
    const as = (cookie: string) => fetch(`${base}/api/overview`, { headers: { cookie }, redirect: "manual" });
    expect((await as(before)).status).toBe(401);
    expect((await as(after)).status).toBe(200);
  });

  it("shows bull-board's job data and return values with secrets and card numbers masked", async () => {
    const card = "4242424242424242";
    const key = `sk_live_${randomBytes(12).toString("hex")}`;
    const letter = await stack.queues.paymentsDeadLetter.add("dead-letter", {
      paymentId: "p-redact",
      source: "tok_visa",
      errorMessage: `bank said card ${card} was refused`,
      details: { apiKey: key, note: "4242 4242 4242 4242" },
    });
    // A completed job, for its return value: nothing else works the notifications DLQ.
    const worker = new Worker(QUEUE_NAMES.notificationsDeadLetter, () => Promise.resolve({ secret: key, echoed: card }), {
      connection: stack.redis,
      prefix: queuePrefix(stack.prefix, "notificationsDeadLetter"),
    });
    const done = await stack.queues.notificationsDeadLetter.add("done", { paymentId: "p-redact" });
    await stack.waitUntil(async () => (await done.getState()) === "completed", 10_000, "the test job completed");
    await worker.close();

    const client = await DashboardClient.login(base, "admin", "payq-admin");
    const views = [
      await client.get(`/queues/api/queues?activeQueue=${QUEUE_NAMES.paymentsDeadLetter}&status=waiting`),
      await client.get(`/queues/api/queues/${QUEUE_NAMES.paymentsDeadLetter}/${letter.id}`),
      await client.get(`/queues/api/queues?activeQueue=${QUEUE_NAMES.notificationsDeadLetter}&status=completed`),
      await client.get(`/queues/api/queues/${QUEUE_NAMES.notificationsDeadLetter}/${done.id}`),
    ];
    for (const view of views) {
      expect(view.status).toBe(200);
      for (const secret of [card, "4242 4242 4242 4242", key, "tok_visa"]) expect(view.text).not.toContain(secret);
    }
    expect(views[1]!.body.job.data).toEqual({
      paymentId: "p-redact",
      source: "[redacted]",
      errorMessage: "bank said card [redacted] was refused",
      details: { apiKey: "[redacted]", note: "[redacted]" },
    });
    expect(views[3]!.body.job.returnValue).toEqual({ secret: "[redacted]", echoed: "[redacted]" });
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
