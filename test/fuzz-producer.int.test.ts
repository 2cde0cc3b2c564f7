/**
 * Property-based fuzzing of the producer over real HTTP, real Postgres and real Redis. The seed is fixed,
 * so a run is repeatable; a failure prints it with the shrunk request. Reproduce with
 * `PAYQ_FUZZ_SEED=<seed> npx vitest run test/fuzz-producer.int.test.ts`.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWebhookAllowlist, PAYMENT_STATUSES, type CallbackTargetPolicy } from "@payq/shared";
import { footprint, footprintDelta, NO_FOOTPRINT, type Footprint } from "./support/footprint.ts";
import {
  anyBody,
  expectedAnswer,
  headerValue,
  hostileString,
  mutatedPaymentText,
  percentEncode,
  prototypeKey,
  rawLatin1PathText,
  rawPathText,
} from "./support/hostile-values.ts";
import { paymentBody } from "./support/payments-api.ts";
import { errorCode, RawHttp, type RawRequest, type RawResponse } from "./support/raw-http.ts";
import { MERCHANT_A, MERCHANT_B, Stack } from "./support/stack.ts";

const SEED = Number(process.env.PAYQ_FUZZ_SEED || 20_251_204);
const RUNS = 2_000;
const FC_OPTIONS = { seed: SEED, numRuns: RUNS };
const MERCHANTS = [MERCHANT_A, MERCHANT_B];
const bearer = (merchant: { key: string }) => `Bearer ${merchant.key}`;
const ONE_PAYMENT: Footprint = { ...NO_FOOTPRINT, payments: 1, idempotencyKeys: 1, jobs: 1 };

const merchantAuth = fc.constantFrom(...MERCHANTS.map(bearer));
/** Mostly a merchant's key, else anything a client might put in the header. */
const anyAuth = fc.option(fc.oneof({ arbitrary: merchantAuth, weight: 4 }, headerValue().map((v) => `Bearer ${v}`), headerValue(300)), {
  nil: undefined,
});
const headerName = fc.oneof(
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
  fc.constantFrom("accept", "accept-charset", "accept-encoding", "cookie", "forwarded", "origin", "range", "x-forwarded-for", "x-http-method-override"),
);

/** POSTs a well-behaved client would send but for the payment, whose answer is known in advance. */
const wellFormedPost = fc.tuple(merchantAuth, fc.uuid(), mutatedPaymentText).map(([authorization, key, text]) => ({
  request: post({ authorization, "idempotency-key": key, "content-type": "application/json" }, text),
  paymentText: text,
}));

/** POSTs with every header and the body up for grabs. */
const wildPost = fc
  .record({
    authorization: anyAuth,
    "idempotency-key": fc.option(fc.oneof({ arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,255}$/), weight: 4 }, headerValue(300)), { nil: undefined }),
    "content-type": fc.option(
      fc.oneof(
        { arbitrary: fc.constant("application/json"), weight: 4 },
        fc.constantFrom("APPLICATION/JSON", "application/json; charset=utf-8", "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded"),
        headerValue().map((parameters) => `application/json; ${parameters}`),
        headerValue(),
      ),
      { nil: undefined },
    ),
    "content-encoding": fc.option(fc.oneof(fc.constantFrom("gzip", "deflate", "br", "identity", "compress", "GZIP"), headerValue(20)), { freq: 4, nil: undefined }),
    // Now and then one header alone is past Node's 16 kB limit for all of them.
    extra: fc.dictionary(headerName, fc.oneof({ arbitrary: headerValue(200), weight: 30 }, fc.integer({ min: 15_000, max: 20_000 }).map((n) => "h".repeat(n))), { maxKeys: 4 }),
    body: anyBody,
  })
  .map(({ extra, body, ...headers }) => ({ request: post({ ...extra, ...defined(headers) }, body), paymentText: undefined }));

function post(headers: Record<string, string>, body: string | Uint8Array | undefined): RawRequest {
  return { method: "POST", path: "/v1/payments", headers, ...(body === undefined ? {} : { body }) };
}

function defined(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

describe("fuzzing the producer", () => {
  let stack: Stack;
  let http: RawHttp;
  /** Every payment the API accepted, by merchant: only these may ever be read back. */
  const owned = new Map<string, Set<string>>(MERCHANTS.map((m) => [bearer(m), new Set<string>()]));
  /** Idempotency keys (per merchant) that created a payment. */
  const usedKeys = new Set<string>();
  /** The footprint after the last case that completed, so a case need not count twice. */
  let lastFootprint: Footprint | undefined;
  let callbackTargets: CallbackTargetPolicy;

  beforeAll(async () => {
    stack = await Stack.start({ worker: false });
    http = new RawHttp(`http://127.0.0.1:${stack.producer.port}`);
    callbackTargets = { allowlist: parseWebhookAllowlist(stack.env.WEBHOOK_ALLOWED_HOSTS ?? "") };
    for (const merchant of MERCHANTS) {
      for (let n = 0; n < 3; n++) {
        const created = await stack.apiAs(merchant).create(paymentBody(n));
        owned.get(bearer(merchant))!.add(created.body.id as string);
      }
    }
  });
  afterAll(async () => {
    await http?.close();
    await stack?.stop();
  });

  /** Sends `request` and returns the answer with what it left in Postgres and Redis. */
  async function sendCounting(request: RawRequest): Promise<{ response: RawResponse; delta: Footprint }> {
    const before = lastFootprint ?? (await footprint(stack));
    lastFootprint = undefined;
    const response = await http.send(request);
    lastFootprint = await footprint(stack);
    return { response, delta: footprintDelta(before, lastFootprint) };
  }

  /** (a): never a 5xx; every 4xx is JSON with a string code. */
  function expectWellFormedAnswer(response: RawResponse): void {
    expect(response.status, response.text).toBeLessThan(500);
    if (response.status >= 400) expect(errorCode(response.json), response.text).toEqual(expect.any(String));
  }

  /** (c): the same key again replays the payment; the same key with another payment is refused. */
  async function expectRepeatsStoreNothing(request: RawRequest, id: string): Promise<void> {
    const replay = await sendCounting(request);
    expect(replay.response.status).toBe(202);
    expect(replay.response.headers["idempotent-replayed"]).toBe("true");
    expect((replay.response.json as { id: string }).id).toBe(id);
    expect(replay.delta).toEqual(NO_FOOTPRINT);

    const text = typeof request.body === "string" ? request.body : Buffer.from(request.body ?? []).toString();
    const other = { ...(JSON.parse(text) as object), description: "fuzz: another payment under the same key" };
    const reuse = await sendCounting({ ...request, body: JSON.stringify(other) });
    expect({ status: reuse.response.status, code: errorCode(reuse.response.json) }).toEqual({ status: 422, code: "idempotency_key_reused" });
    expect(reuse.delta).toEqual(NO_FOOTPRINT);
  }

  /** GETs never write, so one count over a whole run finds a single case that did. */
  async function expectNothingWritten(run: () => Promise<void>): Promise<void> {
    const before = await footprint(stack);
    await run();
    expect(await footprint(stack)).toEqual(before);
  }

  /** Every payment id the API has accepted so far. */
  const knownIds = () => fc.constantFrom(...[...owned.values()].flatMap((ids) => [...ids]));

  it(
    `POST /v1/payments: ${RUNS} hostile requests, each refused with nothing stored or accepted exactly once (seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(wellFormedPost, wildPost), async ({ request, paymentText }) => {
          const { response, delta } = await sendCounting(request);
          expectWellFormedAnswer(response);
          const expected = paymentText === undefined ? undefined : await expectedAnswer(paymentText, callbackTargets);
          if (expected) expect({ status: response.status, code: errorCode(response.json) }).toEqual(expected);
          if (response.status >= 400) {
            expect(delta).toEqual(NO_FOOTPRINT);
            return;
          }

          expect(response.status).toBe(202);
          const authorization = request.headers.authorization as string;
          const key = `${authorization}\n${request.headers["idempotency-key"] as string}`;
          const id = (response.json as { id: string }).id;
          if (usedKeys.has(key)) {
            expect(response.headers["idempotent-replayed"]).toBe("true");
            expect(delta).toEqual(NO_FOOTPRINT);
            return;
          }
          expect(delta).toEqual(ONE_PAYMENT);
          usedKeys.add(key);
          owned.get(authorization)!.add(id);
          await expectRepeatsStoreNothing(request, id);
        }),
        FC_OPTIONS,
      );
    },
    90_000,
  );

  it(
    `GET /v1/payments/:id: ${RUNS} hostile ids, and only the merchant's own payments are found (seed ${SEED})`,
    async () => {
      const known = knownIds();
      const idText = fc.oneof(
        { arbitrary: known, weight: 3 },
        known.map((id) => id.toUpperCase()),
        fc.tuple(known, rawPathText(8)).map(([id, suffix]) => id + suffix),
        fc.uuid(),
        hostileString(40, 1).map(percentEncode),
        rawPathText().filter((text) => text.length > 0 && !text.startsWith("/")),
        rawLatin1PathText,
        fc.integer({ min: 100, max: 6_000 }).map((n) => "a".repeat(n)),
      );
      await expectNothingWritten(() =>
        fc.assert(
          fc.asyncProperty(fc.oneof({ arbitrary: merchantAuth, weight: 4 }, anyAuth), idText, async (authorization, id) => {
            const headers = defined({ authorization });
            const response = await http.send({ method: "GET", path: `/v1/payments/${id}`, headers });
            expectWellFormedAnswer(response);
            const mine = (authorization && owned.get(authorization)) || new Set<string>();
            if (mine.has(id)) expect({ status: response.status, id: (response.json as { id?: string }).id }).toEqual({ status: 200, id });
            if (response.status < 400) {
              expect(response.status).toBe(200);
              // Found only by its id exactly as the API wrote it (not, say, upper-cased), and only if it is this merchant's.
              expect(mine.has(id), "a payment of another merchant, or an id not in its canonical form").toBe(true);
            }
          }),
          FC_OPTIONS,
        ),
      );
    },
    45_000,
  );

  it(
    `GET /v1/payments: ${RUNS} hostile query strings, and a list holds only the merchant's payments (seed ${SEED})`,
    async () => {
      const known = knownIds();
      const cursorOf = (text: string) => Buffer.from(text).toString("base64url");
      const value = fc.oneof(
        fc.constantFrom(...PAYMENT_STATUSES),
        fc.integer({ min: -5, max: 120 }).map(String),
        fc.double().map(String),
        known.map(cursorOf),
        fc.uuid().map(cursorOf),
        hostileString().map(cursorOf),
        hostileString(),
      );
      const name = fc.oneof({ arbitrary: fc.constantFrom("status", "limit", "cursor"), weight: 6 }, prototypeKey, fc.constantFrom("offset", "status[]", "cursor[$ne]"), hostileString(10));
      /** A parameter percent-encoded from anything, or raw characters including `&`, `=` and `%`. */
      const parameter = fc.oneof(
        { arbitrary: fc.tuple(name, value).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`), weight: 3 },
        fc.tuple(fc.oneof(fc.constantFrom("status", "limit", "cursor"), rawPathText(10)), rawPathText(30)).map(([k, v]) => `${k}=${v}`),
        rawPathText(),
      );
      const query = fc.oneof(
        { arbitrary: fc.array(parameter, { maxLength: 4 }).map((parameters) => parameters.join("&")), weight: 9 },
        rawLatin1PathText,
      );
      await expectNothingWritten(() =>
        fc.assert(
          fc.asyncProperty(fc.oneof({ arbitrary: merchantAuth, weight: 4 }, anyAuth), query, async (authorization, search) => {
            const response = await http.send({ method: "GET", path: `/v1/payments?${search}`, headers: defined({ authorization }) });
            expectWellFormedAnswer(response);
            if (response.status >= 400) {
              // invalid_request: bytes in the request line Node's HTTP parser refuses.
              expect(["invalid_query", "unauthorized", "invalid_request"]).toContain(errorCode(response.json));
              return;
            }
            expect(response.status).toBe(200);
            const page = response.json as { object: string; data: { id: string }[]; hasMore: boolean };
            expect(page.object).toBe("list");
            expect(page.data.length).toBeLessThanOrEqual(100);
            const mine = owned.get(authorization!)!;
            expect(page.data.filter((payment) => !mine.has(payment.id)), "payments of another merchant").toEqual([]);
          }),
          FC_OPTIONS,
        ),
      );
    },
    45_000,
  );
});
