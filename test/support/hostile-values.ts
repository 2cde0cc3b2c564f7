import fc from "fast-check";
import { createPaymentSchema, DEFAULT_CREATE_PAYMENT_LIMITS, vetCallbackUrl, type CallbackTargetPolicy } from "@payq/shared";

/** The producer's body limit (`16kb`), in bytes. */
export const BODY_LIMIT_BYTES = 16 * 1024;
const MAX_AMOUNT = DEFAULT_CREATE_PAYMENT_LIMITS.maxAmount;
const FIELDS = ["amount", "currency", "source", "description", "callbackUrl", "metadata"] as const;

/** Characters that break parsers, databases and logs; fast-check's own units never produce lone surrogates. */
const NASTY_CHARS = fc.constantFrom("\u0000", "\ud800", "\udfff", "\u0001", "\u007f", "\u202e", "\ufeff", "\n", '"', "\\", "'", "%", "😀");
const hostileUnit = fc.oneof({ arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 3 }, NASTY_CHARS);

export const hostileString = (maxLength = 40, minLength = 0): fc.Arbitrary<string> =>
  fc.string({ unit: hostileUnit, minLength, maxLength });
export const prototypeKey = fc.constantFrom("__proto__", "constructor", "prototype");
/** Any JSON value, its keys and strings full of hostile characters. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ stringUnit: hostileUnit, maxDepth: 3 }),
  fc.constantFrom(1e308, -0, 2 ** 53 + 2, Number.MIN_VALUE, "NaN", "Infinity", "1000", [], {}),
);

/** Characters undici will put in a header value (Node reads them as latin1). */
const headerChar = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((code) => String.fromCharCode(code));
export const headerValue = (maxLength = 80): fc.Arbitrary<string> => fc.string({ unit: headerChar, maxLength });
/** Characters a raw request target may hold: printable ASCII less `?` and `#`, which end the path. */
const pathChar = fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x3f && c !== 0x23).map((c) => String.fromCharCode(c));
export const rawPathText = (maxLength = 60): fc.Arbitrary<string> => fc.string({ unit: pathChar, maxLength });
/** Raw path text with bytes 0x80-0xff in it, which undici sends and Node's HTTP parser refuses. */
export const rawLatin1PathText = fc
  .tuple(rawPathText(20), fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }))
  .map(([ascii, latin1]) => ascii + latin1);
/** Every UTF-8 byte of `text` percent-encoded: unlike encodeURIComponent, fine with lone surrogates. */
export const percentEncode = (text: string): string =>
  [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`).join("");

/**
 * Webhook URLs on IP literals (public, private, loopback) and localhost: the producer vets a URL's host,
 * and a random host name would send the test to DNS.
 */
function callbackUrl(): fc.Arbitrary<string> {
  const host = fc.oneof(fc.ipV4(), fc.constantFrom("localhost", "127.0.0.1", "[::1]", "93.184.215.14", "10.0.0.1", "169.254.169.254"));
  return fc.tuple(fc.constantFrom("http", "https"), host, fc.webPath()).map(([scheme, at, path]) => `${scheme}://${at}${path}`);
}

const validPayment = fc.record(
  {
    amount: fc.integer({ min: 1, max: MAX_AMOUNT }),
    currency: fc.constantFrom("USD", "EUR", "JPY", "KWD", "GBP", "UYW"),
    source: fc.stringMatching(/^tok_[A-Za-z0-9_]{1,64}$/),
    description: fc.string({ unit: "grapheme", maxLength: 120 }),
    callbackUrl: callbackUrl(),
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 80 }), { maxKeys: 20 }),
  },
  { requiredKeys: ["amount", "currency", "source"] },
);
type Payment = Record<string, unknown>;

const repeat = (text: string) => (count: number) => text.repeat(count);
/** Values at and around each field's limits, and the classic wrong ones. */
const edgeValue: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constant("amount"), fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: MAX_AMOUNT - 2, max: MAX_AMOUNT + 2 }), fc.double(), fc.bigInt().map(String))),
  fc.tuple(fc.constant("currency"), fc.oneof(fc.stringMatching(/^[A-Za-z]{2,4}$/), hostileString(5))),
  fc.tuple(fc.constant("source"), fc.oneof(fc.integer({ min: 0, max: 67 }).map((n) => `tok_${"a".repeat(n)}`), fc.stringMatching(/^[0-9]{12,19}$/), hostileString(70).map((s) => `tok_${s}`))),
  fc.tuple(fc.constant("description"), fc.oneof(fc.integer({ min: 495, max: 505 }).map(repeat("d")), fc.integer({ min: 498, max: 502 }).map(repeat("😀")), hostileString(520))),
  fc.tuple(
    fc.constant("callbackUrl"),
    fc.oneof(
      fc.integer({ min: 2_040, max: 2_056 }).map((n) => `https://93.184.215.14/${"a".repeat(n - 22)}`),
      fc.constantFrom("javascript:alert(1)", "ftp://93.184.215.14/x", "http://", "data:,x", "file:///etc/passwd", "//93.184.215.14"),
      hostileString(30).map((s) => `https://93.184.215.14/${s}`),
      callbackUrl(),
    ),
  ),
  fc.tuple(
    fc.constant("metadata"),
    fc.oneof(
      fc.integer({ min: 18, max: 22 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]))),
      fc.integer({ min: 38, max: 42 }).map((n) => ({ ["k".repeat(n)]: "v" })),
      fc.integer({ min: 498, max: 502 }).map((n) => ({ note: "v".repeat(n) })),
      fc.dictionary(hostileString(42), hostileString(20), { maxKeys: 4 }),
      fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }),
    ),
  ),
);

/** `payment` as JSON text with `members` (raw `"key":value` text) added at the end. */
const withMembers = (payment: Payment, members: string) => `${JSON.stringify(payment).slice(0, -1)}${Object.keys(payment).length ? "," : ""}${members}}`;
const member = (key: string, value: unknown) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}`;
const nested = (depth: number, asObjects: boolean) => (asObjects ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : "[".repeat(depth) + "]".repeat(depth));
const field = fc.constantFrom(...FIELDS);
const anyKey = fc.oneof(field, prototypeKey, fc.constantFrom("capture", "id", "status", "merchantId"));

/** A valid payment with one thing wrong (or, now and then, nothing), as the raw JSON text a client sends. */
export const mutatedPaymentText: fc.Arbitrary<string> = fc.oneof(
  validPayment.map((payment) => JSON.stringify(payment)),
  fc.tuple(validPayment, anyKey, anyJson).map(([payment, key, value]) => withMembers(omit(payment, key), member(key, value))),
  fc.tuple(validPayment, edgeValue).map(([payment, [key, value]]) => withMembers(omit(payment, key), member(key, value))),
  fc.tuple(validPayment, field).map(([payment, key]) => JSON.stringify(omit(payment, key))),
  // JSON.parse keeps the last of two equal keys; the first must not slip through.
  fc.tuple(validPayment, field, anyJson).map(([payment, key, value]) => withMembers(payment, member(key, value))),
  fc.tuple(validPayment, prototypeKey, anyJson).map(([payment, key, value]) => withMembers(omit(payment, "metadata"), `"metadata":{${member(key, value)}}`)),
  fc.tuple(validPayment, anyKey, fc.integer({ min: 1, max: 12_000 }), fc.boolean()).map(([payment, key, depth, asObjects]) =>
    withMembers(omit(payment, key), `${JSON.stringify(key)}:${nested(depth, asObjects)}`),
  ),
  fc.tuple(validPayment, fc.oneof(fc.integer({ min: BODY_LIMIT_BYTES - 40, max: BODY_LIMIT_BYTES + 40 }), fc.integer({ min: 0, max: 2 * BODY_LIMIT_BYTES })))
    .map(([payment, size]) => JSON.stringify(payment).padEnd(size, " ")),
);

function omit(payment: Payment, key: string): Payment {
  const copy = { ...payment };
  delete copy[key];
  return copy;
}

/** Whole bodies of anything: JSON of every shape, bytes, nesting, sizes either side of the limit. */
export const anyBody: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  { arbitrary: mutatedPaymentText, weight: 4 },
  fc.json({ stringUnit: hostileUnit, maxDepth: 4 }),
  fc.uint8Array({ maxLength: 2 * BODY_LIMIT_BYTES, size: "+1" }),
  fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean()).map(([depth, asObjects]) => nested(depth, asObjects)),
  fc.constant(undefined),
);

const schema = createPaymentSchema();

/**
 * What the producer must answer a well-formed request (good auth, a new key, JSON) carrying `text`,
 * when it vets webhook targets by `callbackTargets`.
 */
export async function expectedAnswer(text: string, callbackTargets: CallbackTargetPolicy): Promise<{ status: number; code?: string }> {
  if (Buffer.byteLength(text) > BODY_LIMIT_BYTES) return { status: 413, code: "payload_too_large" };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: 400, code: "invalid_json" };
  }
  if (body === null || typeof body !== "object") return { status: 400, code: "invalid_json" };
  const payment = schema.safeParse(body);
  if (!payment.success) return { status: 400, code: "validation_failed" };
  const target = payment.data.callbackUrl ? await vetCallbackUrl(payment.data.callbackUrl, callbackTargets) : { ok: true };
  return "code" in target ? { status: 400, code: target.code } : { status: 202 };
}
