import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MERCHANT_A, Stack } from "./support/stack.ts";

const auth = { authorization: `Bearer ${MERCHANT_A.key}` };
const json = { ...auth, "content-type": "application/json", "idempotency-key": "bad-input-key" };
const valid = { amount: 1_000, currency: "USD", source: "tok_visa" };
const body = (value: unknown) => JSON.stringify(value);

interface Case {
  name: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
  code: string;
}

/** Malformed requests of every kind: each must get a 4xx with a code, and change nothing. */
const CASES: Case[] = [
  { name: "no Authorization", headers: { "content-type": "application/json", "idempotency-key": "k" }, body: body(valid), status: 401, code: "unauthorized" },
  { name: "unknown API key", headers: { ...json, authorization: "Bearer sk_test_nobody_at_all_000" }, body: body(valid), status: 401, code: "unauthorized" },
  { name: "Basic auth", headers: { ...json, authorization: "Basic bWVyY2hhbnQ6a2V5" }, body: body(valid), status: 401, code: "unauthorized" },
  { name: "no Idempotency-Key", headers: { ...auth, "content-type": "application/json" }, body: body(valid), status: 400, code: "idempotency_key_missing" },
  { name: "Idempotency-Key too long", headers: { ...json, "idempotency-key": "k".repeat(256) }, body: body(valid), status: 400, code: "idempotency_key_invalid" },
  { name: "Idempotency-Key with spaces", headers: { ...json, "idempotency-key": "a key" }, body: body(valid), status: 400, code: "idempotency_key_invalid" },
  { name: "text/plain body", headers: { ...json, "content-type": "text/plain" }, body: body(valid), status: 415, code: "unsupported_media_type" },
  { name: "no Content-Type", headers: { ...auth, "idempotency-key": "k" }, body: body(valid), status: 415, code: "unsupported_media_type" },
  { name: "latin1 charset", headers: { ...json, "content-type": "application/json; charset=latin1" }, body: body(valid), status: 415, code: "unsupported_charset" },
  { name: "unknown Content-Encoding", headers: { ...json, "content-encoding": "compress" }, body: body(valid), status: 415, code: "unsupported_encoding" },
  { name: "broken JSON", headers: json, body: '{"amount": 10', status: 400, code: "invalid_json" },
  { name: "JSON null", headers: json, body: "null", status: 400, code: "invalid_json" },
  { name: "JSON string", headers: json, body: '"pay me"', status: 400, code: "invalid_json" },
  { name: "JSON array", headers: json, body: body([valid]), status: 400, code: "validation_failed" },
  { name: "body over 16 kB", headers: json, body: body({ ...valid, description: "x".repeat(20_000) }), status: 413, code: "payload_too_large" },
  { name: "empty object", headers: json, body: "{}", status: 400, code: "validation_failed" },
  { name: "amount as string", headers: json, body: body({ ...valid, amount: "1000" }), status: 400, code: "validation_failed" },
  { name: "fractional amount", headers: json, body: body({ ...valid, amount: 10.5 }), status: 400, code: "validation_failed" },
  { name: "zero amount", headers: json, body: body({ ...valid, amount: 0 }), status: 400, code: "validation_failed" },
  { name: "negative amount", headers: json, body: body({ ...valid, amount: -5 }), status: 400, code: "validation_failed" },
  { name: "amount over the maximum", headers: json, body: body({ ...valid, amount: 100_000_001 }), status: 400, code: "validation_failed" },
  { name: "huge amount", headers: json, body: '{"amount": 1e308, "currency": "USD", "source": "tok_visa"}', status: 400, code: "validation_failed" },
  { name: "lower-case currency", headers: json, body: body({ ...valid, currency: "usd" }), status: 400, code: "validation_failed" },
  { name: "made-up currency", headers: json, body: body({ ...valid, currency: "ABC" }), status: 400, code: "validation_failed" },
  { name: "raw card number as source", headers: json, body: body({ ...valid, source: "4242424242424242" }), status: 400, code: "validation_failed" },
  { name: "unknown field", headers: json, body: body({ ...valid, capture: true }), status: 400, code: "validation_failed" },
  { name: "__proto__ key", headers: json, body: '{"amount":1000,"currency":"USD","source":"tok_visa","__proto__":{"admin":true}}', status: 400, code: "validation_failed" },
  { name: "21 metadata keys", headers: json, body: body({ ...valid, metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])) }), status: 400, code: "validation_failed" },
  { name: "numeric metadata value", headers: json, body: body({ ...valid, metadata: { n: 1 } }), status: 400, code: "validation_failed" },
  { name: "description over 500 characters", headers: json, body: body({ ...valid, description: "d".repeat(501) }), status: 400, code: "validation_failed" },
  { name: "callbackUrl not a URL", headers: json, body: body({ ...valid, callbackUrl: "not a url" }), status: 400, code: "validation_failed" },
  { name: "callbackUrl with ftp", headers: json, body: body({ ...valid, callbackUrl: "ftp://example.com/hook" }), status: 400, code: "validation_failed" },
];

describe("bad input changes nothing", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
  });
  afterAll(async () => stack?.stop());

  it.each(CASES)("$name → $status $code", async ({ headers, body: payload, status, code }) => {
    const response = await stack.api.raw("POST", "/v1/payments", { headers, body: payload });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error: { code } });
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+|node_modules|SELECT|INSERT/);
  });

  it("validation errors name every bad field", async () => {
    const response = await stack.api.raw("POST", "/v1/payments", { headers: json, body: body({ amount: "x", currency: 1 }) });
    const fields = (response.body.error as { details: { field: string }[] }).details.map((d) => d.field).sort();
    expect(fields).toEqual(["amount", "currency", "source"]);
  });

  it("stored nothing and queued nothing", async () => {
    const { rows } = await stack.db.pool.query<{ payments: number; keys: number }>(
      "SELECT (SELECT count(*)::int FROM payments) AS payments, (SELECT count(*)::int FROM idempotency_keys) AS keys",
    );
    expect(rows[0]).toEqual({ payments: 0, keys: 0 });
    const counts = await stack.queues.payments.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
