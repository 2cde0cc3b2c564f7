import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProducerEnv, startProducer } from "@payq/producer";
import type { RunningApp } from "@payq/runtime";
import { ContractCheck, type OpenApi } from "./support/openapi-contract.ts";
import { whileKeyInFlight } from "./support/key-in-flight.ts";
import { paymentBody, PaymentsApi, type ApiResponse } from "./support/payments-api.ts";
import { MERCHANT_A, Stack, testLogger } from "./support/stack.ts";

const PAYMENTS = "/v1/payments";
const PAYMENT = "/v1/payments/{id}";
const UNKNOWN_ID = "0190a3c4-0000-7000-8000-000000000000";

describe("the producer's OpenAPI description", () => {
  let stack: Stack;
  /** A second producer on the same database and Redis, with a budget of one request a second. */
  let limited: RunningApp;
  let doc: OpenApi & Record<string, unknown>;
  let contract: ContractCheck;
  const anonymous = () => new PaymentsApi(stack.api.baseUrl, "");

  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    limited = await startProducer(
      loadProducerEnv({ ...stack.env, PRODUCER_PORT: "0", API_RATE_LIMIT_PER_SECOND: "1", API_RATE_LIMIT_BURST: "0" }),
      testLogger,
    );
    const response = await fetch(`${stack.api.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as typeof doc;
    contract = new ContractCheck(doc);
  });
  afterAll(async () => {
    await limited?.stop();
    await stack?.stop();
  });

  it("is served without a key and is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components.schemas).sort()).toEqual(["CreatePayment", "Error", "Payment", "PaymentList"]);
  });

  it("renders a script-free docs page listing every operation and schema", async () => {
    const response = await fetch(`${stack.api.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    for (const id of ["createPayment", "listPayments", "getPayment", "CreatePayment", "Error", "Payment", "PaymentList"]) {
      expect(html).toContain(`id="${id}"`);
    }
  });

  it("refuses an answer it does not document", () => {
    const teapot: ApiResponse = { status: 418, headers: new Headers(), body: {} };
    expect(() => contract.check("GET", PAYMENT, teapot)).toThrow(/undocumented answer GET \/v1\/payments\/\{id\} 418/);
    const wrongShape: ApiResponse = { status: 404, headers: new Headers(), body: { error: { code: "x" } } };
    expect(() => contract.check("GET", PAYMENT, wrongShape)).toThrow(/does not match/);
    expect(contract.seen.size).toBe(0);
  });

  it("createPayment: 202, replayed 202, 400, 401, 413, 415 and 422 match the description", async () => {
    const body = paymentBody(1, { metadata: { order: "A-1" }, callbackUrl: stack.callbackUrl() });
    const created = await stack.api.create(body, "contract-1");
    expect(created.status).toBe(202);
    contract.check("POST", PAYMENTS, created);
    const replayed = await stack.api.create(body, "contract-1");
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    contract.check("POST", PAYMENTS, replayed);

    const invalid = await stack.api.create({ ...body, amount: 0 }, "contract-2");
    expect(invalid.body).toMatchObject({ error: { code: "validation_failed" } });
    contract.check("POST", PAYMENTS, invalid);
    const noKey = await stack.api.raw("POST", PAYMENTS, {
      headers: { authorization: `Bearer ${MERCHANT_A.key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(noKey.body).toMatchObject({ error: { code: "idempotency_key_missing" } });
    contract.check("POST", PAYMENTS, noKey);

    const unauthorized = await anonymous().create(body, "contract-3");
    expect(unauthorized.status).toBe(401);
    contract.check("POST", PAYMENTS, unauthorized);

    const tooLarge = await stack.api.create({ ...body, description: "x".repeat(20_000) }, "contract-4");
    expect(tooLarge.status).toBe(413);
    contract.check("POST", PAYMENTS, tooLarge);

    const notJson = await stack.api.raw("POST", PAYMENTS, {
      headers: { authorization: `Bearer ${MERCHANT_A.key}`, "content-type": "text/plain", "idempotency-key": "contract-5" },
      body: "amount=1",
    });
    expect(notJson.status).toBe(415);
    contract.check("POST", PAYMENTS, notJson);

    const reused = await stack.api.create(paymentBody(2), "contract-1");
    expect(reused.status).toBe(422);
    contract.check("POST", PAYMENTS, reused);
  });

  it("createPayment: 409 while the first request with the key is in flight", async () => {
    const busy = await whileKeyInFlight(stack.db.pool, MERCHANT_A.id, "contract-busy", () => stack.api.create(paymentBody(3), "contract-busy"));
    expect(busy.status).toBe(409);
    contract.check("POST", PAYMENTS, busy);
  });

  it("listPayments and getPayment: 200 pages with a cursor, 400, 401 and 404 match the description", async () => {
    for (const n of [10, 11, 12]) expect((await stack.api.create(paymentBody(n))).status).toBe(202);
    const first = await stack.api.list("?limit=2");
    contract.check("GET", PAYMENTS, first);
    expect(first.body.hasMore).toBe(true);
    const second = await stack.api.list(`?limit=2&cursor=${first.body.nextCursor as string}`);
    contract.check("GET", PAYMENTS, second);
    // Four payments of merchant A in all (the 202 of contract-1 and these three): two pages of two.
    expect((second.body.data as unknown[]).length).toBe(2);
    const invalid = await stack.api.list("?limit=0");
    expect(invalid.body).toMatchObject({ error: { code: "invalid_query" } });
    contract.check("GET", PAYMENTS, invalid);
    contract.check("GET", PAYMENTS, await anonymous().list());

    const id = (first.body.data as { id: string }[])[0]!.id;
    const found = await stack.api.get(id);
    expect(found.status).toBe(200);
    contract.check("GET", PAYMENT, found);
    contract.check("GET", PAYMENT, await stack.api.get(UNKNOWN_ID));
    contract.check("GET", PAYMENT, await anonymous().get(id));
  });

  it("every operation answers 429 over the merchant's budget, as described", async () => {
    const api = new PaymentsApi(`http://127.0.0.1:${limited.port}`, MERCHANT_A.key);
    const calls: [string, string, () => Promise<ApiResponse>][] = [
      ["POST", PAYMENTS, () => api.create(paymentBody(20))],
      ["GET", PAYMENTS, () => api.list()],
      ["GET", PAYMENT, () => api.get(UNKNOWN_ID)],
    ];
    for (const [method, path, call] of calls) {
      // One a second: of three at once, at most two (across a second's edge) get through.
      const responses = await Promise.all([call(), call(), call()]);
      const refused = responses.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const response of responses) contract.check(method, path, response);
    }
  });

  it("every operation answers 500 with the error body when Postgres fails it", async () => {
    await stack.db.pool.query("ALTER TABLE payments RENAME TO payments_hidden");
    try {
      contract.check("POST", PAYMENTS, await stack.api.create(paymentBody(30)));
      contract.check("GET", PAYMENTS, await stack.api.list());
      contract.check("GET", PAYMENT, await stack.api.get(UNKNOWN_ID));
    } finally {
      await stack.db.pool.query("ALTER TABLE payments_hidden RENAME TO payments");
    }
    expect([...contract.seen].filter((seen) => seen.endsWith(" 500")).sort()).toEqual([
      "GET /v1/payments 500",
      "GET /v1/payments/{id} 500",
      "POST /v1/payments 500",
    ]);
  });

  it("documents nothing the tests above did not see", () => {
    expect([...contract.seen].sort()).toEqual(contract.documented().sort());
    expect(contract.seen.size).toBe(19);
  });
});
