import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "@payq/runtime";
import { chargeIdempotencyKey, deadLetterJobId } from "@payq/shared";
import { waitFor } from "@payq/testing";
import { DashboardClient } from "./support/dashboard-client.ts";
import { deadLetterQueueDepth } from "./support/dead-letters.ts";
import { paymentBody } from "./support/payments-api.ts";
import { MERCHANT_B, Stack } from "./support/stack.ts";

describe("ops console API", () => {
  let stack: Stack;
  let dashboard: RunningApp;
  let operator: DashboardClient;
  let operator2: DashboardClient;
  let viewer: DashboardClient;
  const transient: string[] = [];
  const permanent: string[] = [];
  const ofMerchantB: string[] = [];

  const auditRows = async () => Number((await stack.db.pool.query("SELECT count(*) FROM audit_log WHERE action <> 'login'")).rows[0]?.count);
  const runEnds = async (client: DashboardClient, id: number) => {
    let run: any;
    await waitFor(async () => {
      run = (await client.get(`/api/replays/${id}`)).body.run;
      return run.state !== "running";
    }, { timeoutMs: 30_000 });
    return run;
  };
  const deadLetter = async (promise: Promise<{ body: any }>) => {
    const id = (await promise).body.id as string;
    await stack.becomes(id, "dead_lettered");
    return id;
  };

  beforeAll(async () => {
    // One attempt and no breaker: a failing bank turns payments into dead letters at once.
    stack = await Stack.start({ env: { RETRY_MAX_ATTEMPTS: "1", BREAKER_ENABLED: "false" } });
    dashboard = await stack.startDashboard();
    const base = `http://127.0.0.1:${dashboard.port}`;
    operator = await DashboardClient.login(base, "admin", "payq-admin");
    operator2 = await DashboardClient.login(base, "admin", "payq-admin");
    viewer = await DashboardClient.login(base, "viewer", "payq-viewer");

    await stack.bankApi.setFaults({ failureRate: 1 });
    transient.push(...(await Promise.all([0, 1, 2, 3, 4, 5].map((i) => deadLetter(stack.api.create(paymentBody(i)))))));
    ofMerchantB.push(...(await Promise.all([10, 11].map((i) => deadLetter(stack.apiAs(MERCHANT_B).create(paymentBody(i)))))));
    await stack.bankApi.heal();
    permanent.push(
      ...(await Promise.all([20, 21, 22].map((i) => deadLetter(stack.api.create(paymentBody(i, { source: "tok_invalid_account" })))))),
    );
    await waitFor(async () => (await deadLetterQueueDepth(stack)) === 11);
  });
  afterAll(async () => stack?.stop());

  it("lists and filters dead letters by class, step, merchant, time and text", async () => {
    const all = await operator.get("/api/dead-letters");
    expect(all.body.items).toHaveLength(11);
    const byClass = await operator.get("/api/dead-letters?errorClass=permanent");
    expect(byClass.body.items.map((d: any) => d.paymentId).sort()).toEqual([...permanent].sort());
    expect((await operator.get("/api/dead-letters?failedStep=charge")).body.items).toHaveLength(11);
    expect((await operator.get("/api/dead-letters?failedStep=ledger")).body.items).toHaveLength(0);
    const byMerchant = await operator.get(`/api/dead-letters?merchantId=${MERCHANT_B.id}`);
    expect(byMerchant.body.items.map((d: any) => d.paymentId).sort()).toEqual([...ofMerchantB].sort());
    expect((await operator.get(`/api/dead-letters?q=${transient[0]!.slice(0, 13)}`)).body.items).toHaveLength(1);
    expect((await operator.get("/api/dead-letters?q=bank_http_400")).body.items).toHaveLength(3);
    expect((await operator.get("/api/dead-letters?from=2099-01-01T00:00:00Z")).body.items).toHaveLength(0);
    const paged = await operator.get("/api/dead-letters?limit=4");
    const second = await operator.get(`/api/dead-letters?limit=4&after=${encodeURIComponent(paged.body.next)}`);
    expect(new Set([...paged.body.items, ...second.body.items].map((d: any) => d.paymentId)).size).toBe(8);
    expect((await operator.get("/api/dead-letters?errorClass=sleepy")).status).toBe(400);
  });

  it("shows a dead letter's history, error and redacted payment", async () => {
    const detail = await viewer.get(`/api/dead-letters/${permanent[0]}`);
    expect(detail.body.payment.source).toBe("[redacted]");
    expect(detail.body.deadLetter).toMatchObject({ reason: "unrecoverable", errorClass: "permanent", failedStep: "charge" });
    expect(detail.body.deadLetter.history).toHaveLength(1);
  });

  it("gives viewers 403 on every action, and refuses an action without its CSRF token", async () => {
    const before = await auditRows();
    for (const [path, body] of [
      ["/api/dead-letters/replay", { filter: {}, dryRun: true }],
      ["/api/dead-letters/replay", { ids: [transient[0]] }],
      ["/api/dead-letters/discard", { ids: [transient[0]], reason: "x" }],
      ["/api/breakers/bank/force", { action: "open", reason: "x" }],
      ["/api/replays/1/cancel", {}],
    ] as const) {
      expect((await viewer.post(path, body)).status, path).toBe(403);
    }
    const forged = await operator.post("/api/dead-letters/replay", { ids: [transient[0]] }, { csrf: false });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe("csrf_failed");
    expect(await auditRows()).toBe(before);
    expect(await stack.statusOf(transient[0]!)).toBe("dead_lettered");
  });

  it("replays exactly the dry-run count of a filter, with one audit row, and the payments succeed", async () => {
    const filter = { errorClass: "transient", merchantId: "merchant_a" };
    const dry = await operator.post("/api/dead-letters/replay", { filter, dryRun: true });
    expect(dry.body).toEqual({ count: 6 });
    const before = await auditRows();
    const started = await operator.post("/api/dead-letters/replay", { filter, ratePerSecond: 100 });
    expect(started.status).toBe(202);
    const run = await runEnds(operator, started.body.run.id);
    expect(run).toMatchObject({ state: "completed", total: dry.body.count, replayed: dry.body.count, skipped: 0, failed: 0 });
    expect(await auditRows()).toBe(before + 1);
    const audit = (await operator.get("/api/audit?limit=1")).body.records[0];
    expect(audit).toMatchObject({ actor: "admin", action: "dlq.replay", filter, count: 6, outcome: "completed" });
    for (const id of transient) await stack.becomes(id, "succeeded");
    expect((await stack.bankApi.stats()).referencesCapturedMoreThanOnce).toBe(0);
  });

  it("gives one outcome per payment when two operators replay the same dead letters at once", async () => {
    const [a, b] = await Promise.all([
      operator.post("/api/dead-letters/replay", { ids: ofMerchantB, ratePerSecond: 100 }),
      operator2.post("/api/dead-letters/replay", { ids: ofMerchantB, ratePerSecond: 100 }),
    ]);
    const runs = await Promise.all(
      [a, b].filter((r) => r.status === 202).map((r) => runEnds(operator, r.body.run.id)),
    );
    expect(runs.reduce((sum, run) => sum + run.replayed, 0)).toBe(ofMerchantB.length);
    for (const id of ofMerchantB) {
      await stack.becomes(id, "succeeded");
      const charge: any = await (await fetch(`${stack.bankApi.baseUrl}/v1/charges/${chargeIdempotencyKey(id)}`)).json();
      expect(charge.capturesOfReference).toBe(1);
    }
  });

  it("refuses to replay a succeeded payment, and reports what it skipped in a selection", async () => {
    const refused = await operator.post("/api/dead-letters/replay", { ids: [transient[0]] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "nothing_to_replay", details: [{ id: transient[0], reason: "status_succeeded" }] });
    const mixed = await operator.post("/api/dead-letters/replay", { ids: [transient[1], permanent[0]], ratePerSecond: 100 });
    expect(mixed.status).toBe(202);
    expect(mixed.body.skipped).toEqual([{ id: transient[1], reason: "status_succeeded" }]);
    expect(mixed.body.run.total).toBe(1);
    await runEnds(operator, mixed.body.run.id);
    expect(await stack.statusOf(transient[1]!)).toBe("succeeded");
    await stack.becomes(permanent[0]!, "dead_lettered");
  });

  it("discards with a mandatory reason: out of the DLQ and the list, never replayed, one audit row", async () => {
    const id = permanent[1]!;
    expect((await operator.post("/api/dead-letters/discard", { ids: [id] })).status).toBe(400);
    const before = await auditRows();
    const discarded = await operator.post("/api/dead-letters/discard", { ids: [id], reason: "merchant closed the account" });
    expect(discarded.body).toEqual({ discarded: 1 });
    expect(await auditRows()).toBe(before + 1);
    expect(await stack.statusOf(id)).toBe("dead_lettered");
    expect(await stack.queues.paymentsDeadLetter.getJob(deadLetterJobId(id, 0))).toBeUndefined();
    expect((await operator.get("/api/dead-letters")).body.items.map((d: any) => d.paymentId)).not.toContain(id);
    expect((await operator.post("/api/dead-letters/replay", { ids: [id] })).body.error.details).toEqual([{ id, reason: "discarded" }]);
    expect((await operator.get(`/api/dead-letters/${id}`)).body.deadLetter.discarded).toMatchObject({ by: "admin", reason: "merchant closed the account" });
  });

  it("paces a bulk replay at the chosen rate and can cancel it midway", async () => {
    await stack.bankApi.setFaults({ failureRate: 1 });
    const ids = await Promise.all([40, 41, 42, 43, 44, 45].map((i) => deadLetter(stack.api.create(paymentBody(i)))));
    const started = await operator.post("/api/dead-letters/replay", { ids, ratePerSecond: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = await auditRows();
    expect((await operator.post(`/api/replays/${started.body.run.id}/cancel`, {})).body).toEqual({ cancelled: true });
    expect(await auditRows()).toBe(before + 1);
    const run = await runEnds(operator, started.body.run.id);
    expect(run.state).toBe("cancelled");
    expect(run.done).toBeGreaterThanOrEqual(1);
    expect(run.done).toBeLessThan(6);
    await stack.bankApi.heal();
  });

  it("shows the breakers and lets an operator force one, with a reason and one audit row", async () => {
    const listed = (await viewer.get("/api/breakers")).body.breakers.map((b: any) => b.name);
    expect(listed).toContain("bank");
    const before = await auditRows();
    const forced = await operator.post("/api/breakers/bank/force", { action: "open", reason: "bank maintenance window" });
    expect(forced.body.breaker).toMatchObject({ kind: "forced_open", forcedBy: "admin", forcedReason: "bank maintenance window" });
    expect((await operator.post("/api/breakers/bank/force", { action: "reset", reason: "done" })).body.breaker.kind).toBe("closed");
    expect(await auditRows()).toBe(before + 2);
    expect((await operator.post("/api/breakers/bank/force", { action: "open" })).status).toBe(400);
    expect((await operator.post("/api/breakers/nope/force", { action: "open", reason: "x" })).status).toBe(404);
  });

  it("renders the pages, with action controls for operators only", async () => {
    for (const path of ["/", "/dead-letters", `/dead-letters/${permanent[2]}`, "/breakers", "/audit"]) {
      expect((await viewer.get(path)).status, path).toBe(200);
    }
    expect((await operator.get("/dead-letters")).text).toContain('data-action="replay-filter"');
    expect((await viewer.get("/dead-letters")).text).not.toContain("data-action=");
    expect((await viewer.get("/breakers")).text).not.toContain("data-action=");
    expect((await operator.get("/breakers")).text).toContain('data-action="force"');
    const overview = (await operator.get("/api/overview")).body;
    expect(overview.dlq.depth).toBeGreaterThan(0);
    expect(overview.payments.succeeded).toBeGreaterThan(0);
  });
});
