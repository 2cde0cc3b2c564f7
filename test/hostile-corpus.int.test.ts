import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOD_HEADERS, HOSTILE_CASES, json } from "./hostile-corpus/index.ts";
import { footprint, footprintDelta, NO_FOOTPRINT } from "./support/footprint.ts";
import { errorCode, RawHttp } from "./support/raw-http.ts";
import { Stack } from "./support/stack.ts";

/** What an error body must never show: a stack frame, a dependency's path or SQL. */
const LEAK = /at .*\.(ts|js):\d+|node_modules|SELECT|INSERT/;

describe("hostile input: a 4xx with its code, and nothing changes", () => {
  let stack: Stack;
  let http: RawHttp;
  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    http = new RawHttp(`http://127.0.0.1:${stack.producer.port}`);
  });
  afterAll(async () => {
    await http?.close();
    await stack?.stop();
  });

  it("the corpus has at least 100 cases, each named once", () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
    expect(HOSTILE_CASES.filter((c) => c.status < 400 || c.status > 499)).toEqual([]);
  });

  it.each(HOSTILE_CASES)("$method $name → $status $code", async (hostile) => {
    const before = await footprint(stack);
    const response = await http.send(hostile);
    expect({ status: response.status, code: errorCode(response.json) }).toEqual({ status: hostile.status, code: hostile.code });
    expect(response.text).not.toMatch(LEAK);
    expect(footprintDelta(before, await footprint(stack))).toEqual(NO_FOOTPRINT);
  });

  it("left nothing at all in Postgres or Redis", async () => {
    expect(await footprint(stack)).toEqual(NO_FOOTPRINT);
  });

  it("validation errors name every bad field", async () => {
    const response = await http.send({
      method: "POST",
      path: "/v1/payments",
      headers: GOOD_HEADERS,
      body: json({ amount: "x", currency: 1 }),
    });
    const fields = (response.json as { error: { details: { field: string }[] } }).error.details.map((d) => d.field).sort();
    expect(fields).toEqual(["amount", "currency", "source"]);
  });
});
