import { AUTH, GOOD_HEADERS, get, json, VALID_PAYMENT, type HostileCase } from "./case.ts";

const A_UUID = "3f2b8c1e-9d4a-4e6b-8a7c-1b2c3d4e5f60";
const missing = (name: string, id: string): HostileCase => get(name, `/v1/payments/${id}`, 404, "payment_not_found");
const badQuery = (name: string, query: string): HostileCase => get(name, `/v1/payments?${query}`, 400, "invalid_query");
const cursor = (text: string) => Buffer.from(text).toString("base64url");

export const PAYMENT_ID_CASES: HostileCase[] = [
  missing("id that is not a UUID", "123"),
  missing("UUID of no payment", A_UUID),
  missing("nil UUID", "00000000-0000-0000-0000-000000000000"),
  missing("upper-case UUID", A_UUID.toUpperCase()),
  missing("UUID with a suffix", `${A_UUID}x`),
  missing("UUID and an encoded newline", `${A_UUID}%0A`),
  missing("SQL in the id", "1'%20OR%20'1'%3D'1"),
  missing("SQL comment in the id", `${A_UUID}'--`),
  missing("encoded path traversal", "..%2F..%2Fetc%2Fpasswd"),
  missing("double-encoded path traversal", "%252e%252e%252fetc%252fpasswd"),
  missing("encoded NUL", "%00"),
  missing("id of 5,000 characters", "a".repeat(5_000)),
  missing("id in UTF-8", encodeURIComponent("платёж")),
  missing("dot-dot id", ".."),
  get("path traversal", "/v1/payments/../../etc/passwd", 404, "not_found"),
  get("id with a slash", `/v1/payments/${A_UUID}/refund`, 404, "not_found"),
  get("bad percent-encoding in the id", "/v1/payments/%E0%A4%A", 400, "invalid_request"),
  get("lone percent in the id", "/v1/payments/%", 400, "invalid_request"),
  get("raw latin1 bytes in the path", "/v1/payments/\u00e9\u00ff", 400, "invalid_request"),
  { ...get("POST to a payment", `/v1/payments/${A_UUID}`, 404, "not_found", GOOD_HEADERS), method: "POST", body: json(VALID_PAYMENT) },
  { ...get("DELETE a payment", `/v1/payments/${A_UUID}`, 404, "not_found", AUTH), method: "DELETE" },
  { ...get("PUT the collection", "/v1/payments", 404, "not_found", GOOD_HEADERS), method: "PUT", body: json(VALID_PAYMENT) },
];

export const LIST_QUERY_CASES: HostileCase[] = [
  badQuery("unknown status", "status=refunded"),
  badQuery("upper-case status", "status=ACCEPTED"),
  badQuery("status twice", "status=accepted&status=declined"),
  badQuery("empty status", "status="),
  badQuery("SQL in status", "status=accepted'%20OR%20'1'%3D'1"),
  badQuery("limit 0", "limit=0"),
  badQuery("limit 101", "limit=101"),
  badQuery("negative limit", "limit=-1"),
  badQuery("fractional limit", "limit=1.5"),
  badQuery("limit as words", "limit=ten"),
  badQuery("limit 1e3", "limit=1e3"),
  badQuery("empty limit", "limit="),
  badQuery("limit twice", "limit=1&limit=2"),
  badQuery("limit Infinity", "limit=Infinity"),
  badQuery("garbage cursor", "cursor=garbage"),
  badQuery("empty cursor", "cursor="),
  badQuery("cursor of a non-UUID", `cursor=${cursor("1 OR 1=1")}`),
  badQuery("cursor of an upper-case UUID", `cursor=${cursor(A_UUID.toUpperCase())}`),
  badQuery("raw UUID as cursor", `cursor=${A_UUID}`),
  badQuery("unknown parameter", "offset=10"),
  badQuery("__proto__ parameter", "__proto__=x"),
  badQuery("constructor parameter", "constructor=x"),
  badQuery("bracketed parameter", "status[]=accepted"),
  badQuery("bad percent-encoding in the query", "status=%E0%A4%A"),
];
