import { gzipSync } from "node:zlib";
import { MERCHANT_A } from "../support/stack.ts";
import { BODY_LIMIT_BYTES } from "../support/hostile-values.ts";
import { AUTH, GOOD_HEADERS, get, json, post, VALID_PAYMENT, withField, type HostileCase } from "./case.ts";

const valid = json(VALID_PAYMENT);
const bearer = (key: string | string[]) => ({ ...GOOD_HEADERS, authorization: key });
const idempotencyKey = (key: string | string[]) => ({ ...GOOD_HEADERS, "idempotency-key": key });
const contentType = (type: string) => ({ ...GOOD_HEADERS, "content-type": type });
const encoded = (encoding: string) => ({ ...GOOD_HEADERS, "content-encoding": encoding });
/** What a client that writes UTF-8 into a header sends: the bytes, read by Node as latin1. */
const utf8Bytes = (text: string) => Buffer.from(text).toString("latin1");
const unauthorized = (name: string, authorization: string): HostileCase => post(name, valid, 401, "unauthorized", bearer(authorization));
const badKey = (name: string, key: string | string[]): HostileCase =>
  post(name, valid, 400, "idempotency_key_invalid", idempotencyKey(key));

const without = (name: keyof typeof GOOD_HEADERS) => Object.fromEntries(Object.entries(GOOD_HEADERS).filter(([key]) => key !== name));
const withoutAuth = without("authorization");
const withoutKey = without("idempotency-key");
const withoutType = without("content-type");

export const AUTH_CASES: HostileCase[] = [
  post("no Authorization", valid, 401, "unauthorized", withoutAuth),
  unauthorized("empty Authorization", ""),
  unauthorized("Bearer and no key", "Bearer"),
  unauthorized("unknown API key", "Bearer sk_test_nobody_at_all_000"),
  unauthorized("Basic auth", "Basic bWVyY2hhbnQ6a2V5"),
  unauthorized("Token scheme with a real key", `Token ${MERCHANT_A.key}`),
  unauthorized("lower-case scheme", `bearer ${MERCHANT_A.key}`),
  unauthorized("two spaces after Bearer", `Bearer  ${MERCHANT_A.key}`),
  unauthorized("real key with a suffix", `Bearer ${MERCHANT_A.key}x`),
  unauthorized("real key's prefix", `Bearer ${MERCHANT_A.key.slice(0, -1)}`),
  unauthorized("real key and a second word", `Bearer ${MERCHANT_A.key} extra`),
  unauthorized("key of 257 characters", `Bearer ${"k".repeat(257)}`),
  unauthorized("key of 8,000 characters", `Bearer ${"k".repeat(8_000)}`),
  // Past Node's 16 kB header limit the HTTP parser refuses the request before any app code runs.
  post("Authorization header of 20,000 characters", valid, 431, "headers_too_large", bearer(`Bearer ${"k".repeat(20_000)}`)),
  unauthorized("key with UTF-8 bytes", `Bearer ${utf8Bytes(`${MERCHANT_A.key}é`)}`),
  unauthorized("SQL in the key", "Bearer ' OR '1'='1"),
  post("wrong key first, real key second", valid, 401, "unauthorized", bearer(["Bearer sk_test_nobody_at_all_000", AUTH.authorization])),
  { ...post("key in the query string", valid, 401, "unauthorized", withoutAuth), path: `/v1/payments?api_key=${MERCHANT_A.key}` },
  get("list without Authorization", "/v1/payments", 401, "unauthorized", {}),
  get("payment without Authorization", "/v1/payments/00000000-0000-4000-8000-000000000000", 401, "unauthorized", {}),
  get("unknown route without Authorization", "/v2/payments", 401, "unauthorized", {}),
];

export const IDEMPOTENCY_KEY_CASES: HostileCase[] = [
  post("no Idempotency-Key", valid, 400, "idempotency_key_missing", withoutKey),
  badKey("empty Idempotency-Key", ""),
  badKey("Idempotency-Key of spaces", "   "),
  badKey("Idempotency-Key too long", "k".repeat(256)),
  badKey("Idempotency-Key with spaces", "a key"),
  badKey("Idempotency-Key with UTF-8", utf8Bytes("ключ")),
  badKey("Idempotency-Key with a slash", "orders/1"),
  badKey("Idempotency-Key with a quote", 'key"1'),
  badKey("Idempotency-Key with SQL", "x';DROP TABLE payments;--"),
  badKey("Idempotency-Key percent-encoded", "key%201"),
  badKey("Idempotency-Key with a tab", "key\t1"),
  badKey("two Idempotency-Key headers", ["key-1", "key-2"]),
];

export const CONTENT_TYPE_CASES: HostileCase[] = [
  post("text/plain body", valid, 415, "unsupported_media_type", contentType("text/plain")),
  post("no Content-Type", valid, 415, "unsupported_media_type", withoutType),
  post("form-encoded body", "amount=1000&currency=USD&source=tok_visa", 415, "unsupported_media_type", contentType("application/x-www-form-urlencoded")),
  post("multipart body", valid, 415, "unsupported_media_type", contentType("multipart/form-data; boundary=x")),
  post("application/jsonp", valid, 415, "unsupported_media_type", contentType("application/jsonp")),
  post("application/json-patch+json", valid, 415, "unsupported_media_type", contentType("application/json-patch+json")),
  post("Content-Type */*", valid, 415, "unsupported_media_type", contentType("*/*")),
  post("Content-Type without a subtype", valid, 415, "unsupported_media_type", contentType("application")),
  post("latin1 charset", valid, 415, "unsupported_charset", contentType("application/json; charset=latin1")),
  post("made-up charset", valid, 415, "unsupported_charset", contentType("application/json; charset=klingon")),
  post("unknown Content-Encoding", valid, 415, "unsupported_encoding", encoded("compress")),
  post("gzip declared, body not gzip", valid, 400, "invalid_request", encoded("gzip")),
  post("deflate declared, body not deflate", valid, 400, "invalid_request", encoded("deflate")),
  post("br declared, body not br", valid, 400, "invalid_request", encoded("br")),
  post("gzip of broken JSON", gzipSync('{"amount": 10'), 400, "invalid_json", encoded("gzip")),
  post("gzip that inflates past 16 kB", gzipSync(withField("description", "x".repeat(1_000_000))), 413, "payload_too_large", encoded("gzip")),
  post("body over 16 kB", withField("description", "x".repeat(20_000)), 413, "payload_too_large"),
  post("valid payment padded to 16 kB + 1 byte", valid.padEnd(BODY_LIMIT_BYTES + 1, " "), 413, "payload_too_large"),
  post("1 MB body", "[".repeat(1_000_000), 413, "payload_too_large"),
  post("oversized body with the wrong Content-Type", "x".repeat(100_000), 415, "unsupported_media_type", contentType("text/plain")),
];
