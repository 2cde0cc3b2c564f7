import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whileKeyInFlight } from "./support/key-in-flight.ts";
import { paymentBody } from "./support/payments-api.ts";
import { MERCHANT_A, MERCHANT_B, Stack } from "./support/stack.ts";

describe("producer API", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
  });
  afterAll(async () => stack?.stop());

  it("accepts a payment with 202, a Location and the payment, and queues its job", async () => {
    const response = await stack.api.create(paymentBody(1, { metadata: { order: "A-1" } }), "accept-1");
    expect(response.status).toBe(202);
    const id = response.body.id as string;
    expect(response.headers.get("location")).toBe(`/v1/payments/${id}`);
    expect(response.body).toMatchObject({
      object: "payment",
      amount: 1_001,
      currency: "USD",
      status: "accepted",
      metadata: { order: "A-1" },
      chargeId: null,
    });
    const job = await stack.queues.payments.getJob(id);
    expect(job?.data).toEqual({ paymentId: id, run: 0 });
  });

  it("replays the first response for the same key and body, with Idempotent-Replayed", async () => {
    const first = await stack.api.create(paymentBody(2), "replay-1");
    const again = await stack.api.create(paymentBody(2), "replay-1");
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const { rows } = await stack.db.pool.query("SELECT count(*)::int AS n FROM payments WHERE id = $1", [first.body.id]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it("refuses the same key with another body (422) and keeps keys per merchant", async () => {
    const first = await stack.api.create(paymentBody(3), "reuse-1");
    const other = await stack.api.create(paymentBody(4), "reuse-1");
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: "idempotency_key_reused" } });
    // Merchant B sending A's key, even with A's very body, gets a payment of its own, not A's replayed.
    const otherMerchant = await stack.apiAs(MERCHANT_B).create(paymentBody(3), "reuse-1");
    expect(otherMerchant.status).toBe(202);
    expect(otherMerchant.headers.get("idempotent-replayed")).toBeNull();
    expect(otherMerchant.body.id).not.toBe(first.body.id);
    const { rows } = await stack.db.pool.query(
      `SELECT k.merchant_id AS key_of, p.merchant_id AS payment_of, p.id FROM idempotency_keys k
        JOIN payments p ON p.id = k.payment_id WHERE k.key = 'reuse-1' ORDER BY k.merchant_id`,
    );
    expect(rows).toEqual([
      { key_of: MERCHANT_A.id, payment_of: MERCHANT_A.id, id: first.body.id },
      { key_of: MERCHANT_B.id, payment_of: MERCHANT_B.id, id: otherMerchant.body.id },
    ]);
    const replayed = await stack.api.create(paymentBody(3), "reuse-1");
    expect(replayed.body.id).toBe(first.body.id);
  });

  it("answers 409 while a request with the same key is in flight", async () => {
    const busy = await whileKeyInFlight(stack.db.pool, MERCHANT_A.id, "busy-1", () => stack.api.create(paymentBody(5), "busy-1"));
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ error: { code: "idempotency_key_in_use" } });
    expect((await stack.api.create(paymentBody(5), "busy-1")).status).toBe(202);
  });

  it("lets an expired key be used again for a new payment", async () => {
    const first = await stack.api.create(paymentBody(6), "expiring-1");
    await stack.db.pool.query(
      "UPDATE idempotency_keys SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE key = 'expiring-1'",
    );
    const second = await stack.api.create(paymentBody(7), "expiring-1");
    expect(second.status).toBe(202);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it("shows a merchant its own payments only, on every read route", async () => {
    const mine = await stack.api.create(paymentBody(8), "own-1");
    const id = mine.body.id as string;
    expect((await stack.api.get(id)).body).toMatchObject({ id, status: "accepted" });
    // Another merchant's payment is indistinguishable from one that does not exist: 404, never 403.
    const theirs = await stack.apiAs(MERCHANT_B).get(id);
    const nobodys = await stack.apiAs(MERCHANT_B).get("01890000-0000-7000-8000-000000000000");
    expect(theirs.status).toBe(404);
    expect(theirs.body).toMatchObject({ error: { code: "payment_not_found" } });
    expect(theirs.body).toEqual(nobodys.body);
    expect((await stack.api.get("not-a-uuid")).status).toBe(404);

    // Every list, whatever its filter or cursor (even one naming A's payment), holds exactly B's payments.
    const idsOf = async (merchantId: string, before?: string) => {
      const { rows } = await stack.db.pool.query<{ id: string }>(
        "SELECT id FROM payments WHERE merchant_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC",
        [merchantId, before ?? null],
      );
      return rows.map((row) => row.id);
    };
    expect((await idsOf(MERCHANT_B.id)).length).toBeGreaterThan(0);
    const cursorAtA = Buffer.from(id).toString("base64url");
    for (const [query, expected] of [
      ["?limit=100", await idsOf(MERCHANT_B.id)],
      ["?status=accepted&limit=100", await idsOf(MERCHANT_B.id)],
      [`?cursor=${cursorAtA}&limit=100`, await idsOf(MERCHANT_B.id, id)],
    ] as const) {
      const list = await stack.apiAs(MERCHANT_B).list(query);
      expect(list.status, query).toBe(200);
      expect((list.body.data as { id: string }[]).map((p) => p.id), query).toEqual(expected);
    }
  });

  it("pages through the list newest first with a cursor, and filters by status", async () => {
    const merchant = { key: MERCHANT_B.key };
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await stack.apiAs(merchant).create(paymentBody(100 + i))).body.id as string);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response = await stack.apiAs(merchant).list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      seen.push(...(response.body.data as { id: string }[]).map((p) => p.id));
      cursor = response.body.nextCursor as string | null;
      if (!response.body.hasMore) break;
    }
    expect(seen.slice(0, 5)).toEqual([...created].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    const accepted = await stack.apiAs(merchant).list("?status=accepted&limit=100");
    expect((accepted.body.data as unknown[]).length).toBe(seen.length);
    expect((await stack.apiAs(merchant).list("?status=succeeded")).body.data).toEqual([]);
    expect((await stack.apiAs(merchant).list("?limit=1000")).status).toBe(400);
    expect((await stack.apiAs(merchant).list("?cursor=bogus")).status).toBe(400);
    expect((await stack.apiAs(merchant).list("?status=lost")).body).toMatchObject({ error: { code: "invalid_query" } });
  });

  it("serves health, readiness and metrics without a key", async () => {
    const base = stack.api.baseUrl;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok" } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^payq_payments_accepted_total \d+/m);
    expect(metrics).toMatch(/payq_http_request_duration_seconds_count\{route="\/v1\/payments",method="POST",status="202"\}/);
  });
});
