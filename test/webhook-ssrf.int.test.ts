import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProducerEnv, startProducer } from "@payq/producer";
import type { RunningApp } from "@payq/runtime";
import { waitFor } from "@payq/testing";
import { footprint, NO_FOOTPRINT } from "./support/footprint.ts";
import { paymentBody, PaymentsApi } from "./support/payments-api.ts";
import { MERCHANT_A, Stack, testLogger } from "./support/stack.ts";

/** The production default: no allowlist, so loopback (where bank-sim's sink is) is refused like any internal address. */
const STRICT = { WEBHOOK_ALLOWED_HOSTS: "" };

describe("a callbackUrl into the internal network, at accept time", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false, env: STRICT });
  });
  afterAll(async () => stack?.stop());

  it.each([
    ["a loopback IP", () => stack.callbackUrl("ssrf"), "callbackUrl is a loopback address"],
    ["localhost, by name", () => `http://localhost:${stack.bank.port}/webhooks/ssrf`, "callbackUrl resolves to a loopback address"],
    ["the metadata service", () => "http://169.254.169.254/latest/meta-data", "callbackUrl is the cloud metadata address"],
    ["IPv6 loopback", () => "http://[::1]/x", "callbackUrl is a loopback address"],
    ["IPv4-mapped loopback", () => "http://[::ffff:127.0.0.1]/x", "callbackUrl is a loopback address"],
    ["a private address", () => "http://10.0.0.1/x", "callbackUrl is a private address"],
  ])("refuses %s with 400 callback_url_refused and stores nothing", async (_, url, message) => {
    const response = await stack.api.create(paymentBody(1, { callbackUrl: url() }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: "callback_url_refused", message } });
    expect(await footprint(stack)).toEqual(NO_FOOTPRINT);
  });

  it("refuses a host that does not resolve with 400 callback_url_unresolvable", async () => {
    const response = await stack.api.create(paymentBody(2, { callbackUrl: "http://payq-test.invalid/hook" }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: "callback_url_unresolvable", message: "callbackUrl's host name could not be resolved" },
    });
    expect(await footprint(stack)).toEqual(NO_FOOTPRINT);
  });

  it("still accepts a payment without a callbackUrl", async () => {
    expect((await stack.api.create(paymentBody(3))).status).toBe(202);
  });
});

describe("a callbackUrl refused at delivery time", () => {
  let stack: Stack;
  beforeAll(async () => {
    // The producer allows loopback, the worker does not: as when a name that passed at accept time has
    // since been rebound to an internal address.
    stack = await Stack.start({ worker: false });
    await stack.startWorker(STRICT);
  });
  afterAll(async () => stack?.stop());

  it("never delivers, dead-letters the webhook after one attempt, and the payment still succeeds", async () => {
    const urls = [stack.callbackUrl("by-ip"), `http://localhost:${stack.bank.port}/webhooks/by-name`];
    const ids: string[] = [];
    for (const [i, callbackUrl] of urls.entries()) {
      const response = await stack.api.create(paymentBody(10 + i, { callbackUrl }));
      expect(response.status).toBe(202);
      ids.push(response.body.id as string);
    }
    await stack.waitUntil(
      async () => (await Promise.all(ids.map((id) => stack.queues.notificationsDeadLetter.getJob(id)))).every(Boolean),
      20_000,
      "both webhooks dead-lettered",
    );

    const { rows } = await stack.db.pool.query(
      "SELECT id, status, notification_status FROM payments ORDER BY array_position($1::uuid[], id)",
      [ids],
    );
    expect(rows).toEqual(ids.map((id) => ({ id, status: "succeeded", notification_status: "dead_lettered" })));
    const deadLetters = await Promise.all(ids.map(async (id) => (await stack.queues.notificationsDeadLetter.getJob(id))?.data));
    expect(deadLetters).toEqual([
      expect.objectContaining({ paymentId: ids[0], host: `127.0.0.1:${stack.bank.port}`, attempts: 1, error: "callbackUrl is a loopback address" }),
      expect.objectContaining({ paymentId: ids[1], host: `localhost:${stack.bank.port}`, attempts: 1, error: "callbackUrl resolves to a loopback address" }),
    ]);
    // Failed for good after one attempt: not waiting, not delayed for another.
    for (const id of ids) {
      const job = await stack.queues.notifications.getJob(id);
      expect({ state: await job?.getState(), attemptsMade: job?.attemptsMade }).toEqual({ state: "failed", attemptsMade: 1 });
    }
    // Long enough for a sweep pass (500 ms here): it must not queue the webhook again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await stack.bankApi.deliveries()).toEqual([]);
    expect((await stack.bankApi.stats()).webhooks.received).toBe(0);
  });

  it("delivers once the worker allows the target again", async () => {
    await stack.stopWorkers();
    await stack.startWorker();
    const id = (await stack.api.create(paymentBody(20, { callbackUrl: stack.callbackUrl("allowed") }))).body.id as string;
    await waitFor(async () => (await stack.bankApi.deliveries()).some((d) => d.path === "/webhooks/allowed"), { timeoutMs: 20_000 });
    const { rows } = await stack.db.pool.query("SELECT notification_status FROM payments WHERE id = $1", [id]);
    expect(rows).toEqual([{ notification_status: "delivered" }]);
    expect((await stack.bankApi.deliveries()).map((d) => d.path)).toEqual(["/webhooks/allowed"]);
  });
});

describe("a payment accepted before its callbackUrl came to be refused", () => {
  let stack: Stack;
  let strict: RunningApp;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    // A second producer on the same database and Redis that now refuses loopback: as when the name the
    // first one vetted resolves somewhere internal by the time the merchant retries.
    strict = await startProducer(loadProducerEnv({ ...stack.env, ...STRICT, PRODUCER_PORT: "0" }), testLogger);
  });
  afterAll(async () => {
    await strict?.stop();
    await stack?.stop();
  });

  it("replays the first answer to the same key and body, and still refuses the URL under a new key", async () => {
    const body = paymentBody(20, { callbackUrl: stack.callbackUrl("replayed") });
    const first = await stack.api.create(body, "ssrf-replay-1");
    expect(first.status).toBe(202);
    const later = new PaymentsApi(`http://127.0.0.1:${strict.port}`, MERCHANT_A.key);

    const again = await later.create(body, "ssrf-replay-1");
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(`/v1/payments/${first.body.id as string}`);
    expect(again.body).toEqual(first.body);

    const before = await footprint(stack);
    const fresh = await later.create(body, "ssrf-replay-2");
    expect(fresh.status).toBe(400);
    expect(fresh.body).toMatchObject({ error: { code: "callback_url_refused" } });
    expect(await footprint(stack)).toEqual(before);
  });
});
