import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "@payq/runtime";
import { testPgAdminUrl } from "@payq/testing";
import { DashboardClient } from "./support/dashboard-client.ts";
import { paymentBody } from "./support/payments-api.ts";
import { MERCHANT_A, Stack } from "./support/stack.ts";

interface Seen {
  where: string;
  status: number;
  contentType: string | null;
  csp: string | null;
  text: string;
}

/** What a stack trace, a source path or Postgres would leave in a body. */
const INTERNALS: [what: string, pattern: RegExp][] = [
  ["a stack frame", /\bat \S+ \(|\bat (file:|node:|\/)/],
  ["a file path", /\/(work|home|usr|tmp|app|src|node_modules)\/|\.(ts|js|mjs|cjs)\b/],
  ["SQL", /\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|RETURNING|INTO|VALUES)\b/],
  ["Postgres' words", /relation|does not exist|accepting connections|terminat|postgres|pg_|pl\/pgsql|syntax error|SQLSTATE|\b42P01\b|\b57P0\d\b/i],
];

/**
 * Internal failures, provoked for real (the schema gone, then the database refusing connections), as
 * the producer's and the dashboard's clients see them: JSON with a code, and nothing of the internals.
 */
describe("internal errors reach clients as a code, never as internals", () => {
  let stack: Stack;
  let dashboard: RunningApp;
  let client: DashboardClient;
  let paymentId: string;
  let database: string;

  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    dashboard = await stack.startDashboard();
    client = await DashboardClient.login(`http://127.0.0.1:${dashboard.port}`, "admin", "payq-admin");
    paymentId = (await stack.api.create(paymentBody(1))).body.id as string;
    database = new URL(stack.db.url).pathname.slice(1);
  });
  afterAll(async () => {
    await admin(`ALTER DATABASE ${pg.escapeIdentifier(database)} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await stack?.stop();
  });

  async function admin(sql: string): Promise<void> {
    const connection = new pg.Client({ connectionString: testPgAdminUrl() });
    await connection.connect();
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  }

  /** Every route kind that reads or writes Postgres, on both apps. */
  async function visitAll(): Promise<Seen[]> {
    const seen = async (where: string, response: Response): Promise<Seen> => ({
      where,
      status: response.status,
      contentType: response.headers.get("content-type"),
      csp: response.headers.get("content-security-policy"),
      text: await response.text(),
    });
    const producer = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.api.baseUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${MERCHANT_A.key}`, ...(init.headers as Record<string, string> | undefined) },
      });
    const dash = (path: string) => fetch(`${client.base}${path}`, { headers: { cookie: client.cookie }, redirect: "manual" });
    return [
      await seen("producer POST /v1/payments", await producer("/v1/payments", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
        body: JSON.stringify(paymentBody(2)),
      })),
      await seen("producer GET /v1/payments/:id", await producer(`/v1/payments/${paymentId}`)),
      await seen("producer GET /v1/payments", await producer("/v1/payments")),
      await seen("dashboard GET /api/overview", await dash("/api/overview")),
      await seen("dashboard GET /api/dead-letters", await dash("/api/dead-letters")),
      await seen("dashboard GET /api/audit", await dash("/api/audit")),
      await seen("dashboard GET / (a page)", await dash("/")),
      await seen("dashboard GET /dead-letters/:id (a page)", await dash(`/dead-letters/${paymentId}`)),
    ];
  }

  function expectOpaque(responses: Seen[]): void {
    for (const response of responses) {
      expect(response.status, response.where).toBe(500);
      expect(response.contentType, response.where).toMatch(/^application\/json/);
      expect(JSON.parse(response.text), response.where).toEqual({
        error: { code: "internal_error", message: "something went wrong on our side; it is safe to retry" },
      });
      for (const [what, pattern] of INTERNALS) expect(response.text, `${response.where}: ${what}`).not.toMatch(pattern);
      // Error responses are responses too: the dashboard's carry its security headers.
      if (response.where.startsWith("dashboard")) expect(response.csp, response.where).toContain("default-src 'none'");
    }
  }

  it("answers with internal_error when the schema is gone (Postgres throws on every query)", async () => {
    for (const table of ["payments", "dead_letters", "audit_log"]) {
      await stack.db.pool.query(`ALTER TABLE ${table} RENAME TO ${table}_hidden`);
    }
    try {
      expectOpaque(await visitAll());
    } finally {
      for (const table of ["payments", "dead_letters", "audit_log"]) {
        await stack.db.pool.query(`ALTER TABLE ${table}_hidden RENAME TO ${table}`);
      }
    }
    expect((await stack.api.get(paymentId)).status).toBe(200);
  });

  it("answers with internal_error when the database refuses connections", async () => {
    await admin(`ALTER DATABASE ${pg.escapeIdentifier(database)} WITH ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${pg.escapeLiteral(database)}`);
    expectOpaque(await visitAll());
  });
});
