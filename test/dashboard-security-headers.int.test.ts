import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "@payq/runtime";
import { DashboardClient } from "./support/dashboard-client.ts";
import { Stack } from "./support/stack.ts";

/** A Content-Security-Policy header as directive name → its sources. */
function parsePolicy(header: string | null): Map<string, string[]> {
  const directives = (header ?? "").split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]);
  return new Map(directives.map(([name, ...sources]) => [name!, sources]));
}

/** The headers every dashboard response carries, whatever made it. */
function expectHardened(response: Response, what: string): Map<string, string[]> {
  const headers = response.headers;
  expect(headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(headers.get("x-frame-options"), what).toBe("DENY");
  expect(headers.get("referrer-policy"), what).toBe("same-origin");
  expect(headers.get("cross-origin-opener-policy"), what).toBe("same-origin");
  expect(headers.get("cross-origin-resource-policy"), what).toBe("same-origin");
  expect(headers.get("x-permitted-cross-domain-policies"), what).toBe("none");
  expect(headers.get("x-powered-by"), what).toBeNull();
  // Plain HTTP here: HSTS would be ignored, and upgrading requests would break the page.
  expect(headers.get("strict-transport-security"), what).toBeNull();
  const policy = parsePolicy(headers.get("content-security-policy"));
  expect(policy.get("script-src"), what).toEqual(["'self'"]);
  expect(policy.get("object-src"), what).toEqual(["'none'"]);
  expect(policy.get("frame-ancestors"), what).toEqual(["'none'"]);
  expect(policy.get("form-action"), what).toEqual(["'self'"]);
  expect(policy.has("upgrade-insecure-requests"), what).toBe(false);
  return policy;
}

describe("dashboard security headers", () => {
  let stack: Stack;
  let dashboard: RunningApp;
  let base: string;
  let operator: DashboardClient;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    dashboard = await stack.startDashboard();
    base = `http://127.0.0.1:${dashboard.port}`;
    operator = await DashboardClient.login(base, "admin", "payq-admin");
  });
  afterAll(async () => stack?.stop());

  const as = (cookie: string | null) => (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { redirect: "manual", ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string> | undefined) } });

  it("puts the console's strict policy on every kind of response outside bull-board", async () => {
    const stranger = as(null);
    const signedIn = as(operator.cookie);
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const responses: [string, Response, number][] = [
      ["liveness", await stranger("/healthz"), 200],
      ["metrics", await stranger("/metrics"), 200],
      ["an asset", await stranger("/assets/console.js"), 200],
      ["the login page", await stranger("/login"), 200],
      ["a refused login", await stranger("/login", { method: "POST", headers: form, body: "username=admin&password=wrong" }), 401],
      ["a cross-site login", await stranger("/login", { method: "POST", headers: { ...form, origin: "https://evil.example" }, body: "" }), 403],
      ["a redirect to login", await stranger("/dead-letters"), 303],
      ["an API call without a session", await stranger("/api/overview"), 401],
      ["a console page", await signedIn("/"), 200],
      ["an API answer", await signedIn("/api/overview"), 200],
      ["an unknown route", await signedIn("/api/nothing-here"), 404],
      ["a POST without a CSRF token", await signedIn("/api/dead-letters/replay", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), 403],
      ["malformed JSON", await signedIn("/api/dead-letters/replay", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": operator.csrfToken }, body: "{" }), 400],
    ];
    for (const [what, response, status] of responses) {
      expect(response.status, what).toBe(status);
      const policy = expectHardened(response, what);
      expect(policy.get("default-src"), what).toEqual(["'none'"]);
      expect(policy.get("style-src"), what).toEqual(["'self'"]);
      expect(policy.get("base-uri"), what).toEqual(["'none'"]);
      await response.arrayBuffer();
    }
  });

  it("gives bull-board inline styles and its fonts, and never inline scripts", async () => {
    const signedIn = as(operator.cookie);
    const page = await signedIn("/queues");
    const html = await page.text();
    const stylesheet = /href="(static\/css\/[^"]+\.css)"/.exec(html)?.[1];
    expect(stylesheet).toMatch(/^static\/css\/[\w.-]+\.css$/);
    const responses: [string, Response, number][] = [
      ["bull-board's page", page, 200],
      ["bull-board's stylesheet", await signedIn(`/queues/${stylesheet}`), 200],
      ["bull-board's API", await signedIn("/queues/api/queues"), 200],
      ["bull-board without a session", await as(null)("/queues/api/queues"), 401],
    ];
    for (const [what, response, status] of responses) {
      expect(response.status, what).toBe(status);
      const policy = expectHardened(response, what);
      expect(policy.get("default-src"), what).toEqual(["'none'"]);
      expect(policy.get("style-src"), what).toEqual(["'self'", "'unsafe-inline'", "https://fonts.googleapis.com"]);
      expect(policy.get("font-src"), what).toEqual(["'self'", "https://fonts.gstatic.com"]);
      await response.arrayBuffer().catch(() => undefined);
    }
  });

  it("adds HSTS and upgrade-insecure-requests when served over HTTPS", async () => {
    const secure = await stack.startDashboard({ SECURE_COOKIES: "true" });
    for (const path of ["/login", "/queues"]) {
      const response = await fetch(`http://127.0.0.1:${secure.port}${path}`, { redirect: "manual" });
      expect(response.headers.get("strict-transport-security"), path).toBe("max-age=31536000; includeSubDomains");
      expect(parsePolicy(response.headers.get("content-security-policy")).get("upgrade-insecure-requests"), path).toEqual([]);
    }
  });
});
