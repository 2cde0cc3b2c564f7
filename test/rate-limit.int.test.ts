import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProducerEnv, startProducer } from "@payq/producer";
import type { RunningApp } from "@payq/runtime";
import { startRedisServer, type TestRedisServer } from "@payq/testing";
import { paymentBody, PaymentsApi, type ApiResponse } from "./support/payments-api.ts";
import { MERCHANT_A, MERCHANT_B, Stack, testLogger } from "./support/stack.ts";

const LIMIT = 20;
const OVER = 7;
const limited = { API_RATE_LIMIT_PER_SECOND: String(LIMIT), API_RATE_LIMIT_BURST: "0" };

const statusesOf = (responses: ApiResponse[]) => responses.map((r) => r.status).sort();

async function metric(api: PaymentsApi, name: string): Promise<number> {
  const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1]);
}

describe("the per-merchant rate limit", () => {
  let stack: Stack;
  let second: RunningApp;
  /** Merchant A's view of each of the two producer instances. */
  let instances: PaymentsApi[];
  beforeAll(async () => {
    stack = await Stack.start({ worker: false, env: limited });
    // A second instance on the same Redis prefix, as a deployment behind a load balancer would run.
    second = await startProducer(loadProducerEnv({ ...stack.env, PRODUCER_PORT: "0" }), testLogger);
    instances = [stack.api, new PaymentsApi(`http://127.0.0.1:${second.port}`, MERCHANT_A.key)];
  });
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
  });

  it("is one budget across instances: over it, 429 with Retry-After, nothing stored, other merchants untouched", async () => {
    // Connections and code paths warmed on a budget of their own, so merchant A's burst lands in one window.
    await Promise.all(instances.map((api) => new PaymentsApi(api.baseUrl, MERCHANT_B.key).list()));

    const keys = Array.from({ length: LIMIT + OVER }, (_, i) => `burst-${i}`);
    const [responses, ofMerchantB] = await Promise.all([
      Promise.all(keys.map((key, i) => instances[i % 2]!.create(paymentBody(i), key))),
      Promise.all([1, 2, 3].map((i) => stack.apiAs(MERCHANT_B).create(paymentBody(100 + i)))),
    ]);

    // Each instance saw fewer than LIMIT requests, so exactly OVER refusals means one budget for both.
    expect(statusesOf(responses)).toEqual([...Array(LIMIT).fill(202), ...Array(OVER).fill(429)]);
    expect(statusesOf(ofMerchantB)).toEqual([202, 202, 202]);
    const refused = responses.filter((r) => r.status === 429);
    for (const response of refused) {
      expect(response.body).toMatchObject({ error: { code: "rate_limited" } });
      expect((response.body.error as { message: string }).message).toMatch(/20 per second; retry after 1 s/);
      expect(response.headers.get("retry-after")).toBe("1");
    }

    const accepted = keys.filter((_, i) => responses[i]!.status === 202).sort();
    const { rows } = await stack.db.pool.query<{ key: string }>(
      "SELECT key FROM idempotency_keys WHERE merchant_id = $1 AND key LIKE 'burst-%' ORDER BY key",
      [MERCHANT_A.id],
    );
    expect(rows.map((r) => r.key)).toEqual(accepted);
    const payments = await stack.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM payments WHERE merchant_id = $1", [
      MERCHANT_A.id,
    ]);
    expect(payments.rows[0]).toEqual({ n: LIMIT });
    expect(await metric(instances[0]!, "payq_rate_limited_total") + (await metric(instances[1]!, "payq_rate_limited_total"))).toBe(OVER);

    // Retry-After tells the truth: once it has passed, a refused request goes through.
    await sleep(1_000);
    const retried = keys.findIndex((_, i) => responses[i]!.status === 429);
    const again = await instances[0]!.create(paymentBody(retried), keys[retried]);
    expect(again.status).toBe(202);
  });

  it("never charges requests without a valid key to a merchant", async () => {
    await sleep(1_000);
    const strangers = Array.from({ length: LIMIT * 2 }, () =>
      stack.api.raw("GET", "/v1/payments", { headers: { authorization: "Bearer sk_test_nobody_at_all_000" } }),
    );
    expect(statusesOf(await Promise.all(strangers))).toEqual(Array(LIMIT * 2).fill(401));
    const mine = await Promise.all(Array.from({ length: LIMIT }, () => stack.api.list()));
    expect(statusesOf(mine)).toEqual(Array(LIMIT).fill(200));
  });
});

describe("the rate limit when its Redis is down", () => {
  let redisServer: TestRedisServer;
  let stack: Stack;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    stack = await Stack.start({ redisUrl: redisServer.url, worker: false, env: { API_RATE_LIMIT_PER_SECOND: "1", API_RATE_LIMIT_BURST: "0" } });
  });
  afterAll(async () => {
    await stack?.stop();
    await redisServer?.stop();
  });

  it("fails open: requests go through unmetered and are counted, and metering resumes when Redis is back", async () => {
    await redisServer.kill();
    const reads = await Promise.all([1, 2, 3].map(() => stack.api.list()));
    expect(statusesOf(reads)).toEqual([200, 200, 200]);
    const payment = await stack.api.create(paymentBody(1));
    expect(payment.status).toBe(202);
    expect(await metric(stack.api, "payq_rate_limiter_failures_total")).toBe(4);
    expect(await metric(stack.api, "payq_rate_limited_total")).toBe(0);

    await redisServer.restart();
    await stack.waitUntil(async () => (await stack.api.list()).status === 429, 10_000, "the limit never came back");
  });
});
