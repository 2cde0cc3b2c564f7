import { invalidPayment, json, nestedArrays, post, VALID_PAYMENT, withRawMembers, type HostileCase } from "./case.ts";

const brokenJson = (name: string, body: string | Uint8Array): HostileCase => post(name, body, 400, "invalid_json");

export const BROKEN_JSON_CASES: HostileCase[] = [
  brokenJson("truncated JSON", '{"amount": 10'),
  brokenJson("trailing comma", '{"amount":1000,"currency":"USD","source":"tok_visa",}'),
  brokenJson("single quotes", "{'amount':1000,'currency':'USD','source':'tok_visa'}"),
  brokenJson("unquoted keys", "{amount:1000,currency:'USD',source:'tok_visa'}"),
  brokenJson("NaN literal", '{"amount":NaN,"currency":"USD","source":"tok_visa"}'),
  brokenJson("Infinity literal", '{"amount":Infinity,"currency":"USD","source":"tok_visa"}'),
  brokenJson("hex amount", '{"amount":0x3e8,"currency":"USD","source":"tok_visa"}'),
  brokenJson("leading zero", '{"amount":01000,"currency":"USD","source":"tok_visa"}'),
  brokenJson("comment", '{"amount":1000,/* free */"currency":"USD","source":"tok_visa"}'),
  brokenJson("garbage after the object", `${json(VALID_PAYMENT)} x`),
  brokenJson("two objects", `${json(VALID_PAYMENT)}${json(VALID_PAYMENT)}`),
  brokenJson("raw control character in a string", '{"amount":1000,"currency":"USD","source":"tok_visa","description":"a\u0001b"}'),
  brokenJson("bad escape", '{"amount":1000,"currency":"USD","source":"tok_visa","description":"\\x41"}'),
  brokenJson("NUL byte outside strings", `${json(VALID_PAYMENT)}\u0000`),
  brokenJson("binary bytes", new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x80, 0x81])),
];

export const NON_OBJECT_CASES: HostileCase[] = [
  brokenJson("JSON null", "null"),
  brokenJson("JSON string", '"pay me"'),
  brokenJson("JSON number", "1000"),
  brokenJson("JSON true", "true"),
  invalidPayment("JSON array of a payment", json([VALID_PAYMENT])),
  invalidPayment("empty JSON array", "[]"),
  invalidPayment("empty object", "{}"),
  invalidPayment("empty body", ""),
];

export const STRUCTURE_CASES: HostileCase[] = [
  invalidPayment("5,000 nested arrays as the body", nestedArrays(5_000)),
  invalidPayment("5,000 nested arrays as the amount", withRawMembers(`"amount":${nestedArrays(5_000)}`)),
  invalidPayment("2,000 nested objects in metadata", withRawMembers(`"metadata":${'{"a":'.repeat(2_000)}"v"${"}".repeat(2_000)}`)),
  invalidPayment("2,000 nested objects in an unknown field", withRawMembers(`"extra":${'{"a":'.repeat(2_000)}1${"}".repeat(2_000)}`)),
  post("100,000 nested arrays", nestedArrays(100_000), 413, "payload_too_large"),
  invalidPayment("amount twice, the last a string", withRawMembers('"amount":"1000"')),
  invalidPayment("currency twice, the last lower case", withRawMembers('"currency":"usd"')),
  invalidPayment("metadata twice, the last nested", '{"amount":1000,"currency":"USD","source":"tok_visa","metadata":{"a":"b"},"metadata":{"a":{"b":"c"}}}'),
  invalidPayment("a key twice in metadata, the last a number", withRawMembers('"metadata":{"a":"b","a":1}')),
  invalidPayment("unknown field", json({ ...VALID_PAYMENT, capture: true })),
  invalidPayment("field name in another case", json({ ...VALID_PAYMENT, Amount: 1_000 })),
  invalidPayment("client-chosen id", json({ ...VALID_PAYMENT, id: "00000000-0000-4000-8000-000000000000" })),
  invalidPayment("client-chosen status", json({ ...VALID_PAYMENT, status: "succeeded" })),
  invalidPayment("client-chosen merchant", json({ ...VALID_PAYMENT, merchantId: "merchant_b" })),
];

/** Keys that reach an object's prototype when code copies them with `obj[key] = value`. */
export const PROTOTYPE_CASES: HostileCase[] = [
  invalidPayment("__proto__ key", withRawMembers('"__proto__":{"admin":true}')),
  invalidPayment("__proto__ key with a string", withRawMembers('"__proto__":"x"')),
  invalidPayment("constructor key", withRawMembers('"constructor":{"prototype":{"admin":true}}')),
  invalidPayment("prototype key", withRawMembers('"prototype":{"admin":true}')),
  invalidPayment("__proto__ in metadata with a string", withRawMembers('"metadata":{"__proto__":"x"}')),
  invalidPayment("__proto__ in metadata with an object", withRawMembers('"metadata":{"__proto__":{"admin":"true"}}')),
  invalidPayment("constructor in metadata with an object", withRawMembers('"metadata":{"constructor":{"prototype":{"admin":"true"}}}')),
];
