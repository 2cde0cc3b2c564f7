import { invalidPayment, json, VALID_PAYMENT, withField, withRawMembers, type HostileCase } from "./case.ts";

const field = (name: string, key: string, value: unknown): HostileCase => invalidPayment(name, withField(key, value));
const without = (key: keyof typeof VALID_PAYMENT): HostileCase => {
  const { [key]: _, ...rest } = VALID_PAYMENT;
  return invalidPayment(`no ${key}`, json(rest));
};
const metadata = (name: string, value: unknown): HostileCase => field(name, "metadata", value);
const manyKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));

export const AMOUNT_CASES: HostileCase[] = [
  without("amount"),
  field("amount as string", "amount", "1000"),
  field("amount as a big-integer string", "amount", "100000000000000000000"),
  field("amount as a NaN string", "amount", "NaN"),
  field("amount as an Infinity string", "amount", "Infinity"),
  field("fractional amount", "amount", 10.5),
  field("tiny fractional amount", "amount", 1e-7),
  field("zero amount", "amount", 0),
  field("negative amount", "amount", -5),
  field("amount over the maximum", "amount", 100_000_001),
  field("amount beyond 2^53", "amount", 2 ** 53 + 2),
  invalidPayment("amount 1e308", '{"amount": 1e308, "currency": "USD", "source": "tok_visa"}'),
  invalidPayment("amount with 400 digits", `{"amount": ${"9".repeat(400)}, "currency": "USD", "source": "tok_visa"}`),
  invalidPayment("amount -0", '{"amount": -0, "currency": "USD", "source": "tok_visa"}'),
  field("amount null", "amount", null),
  field("amount true", "amount", true),
  field("amount in an array", "amount", [1_000]),
  field("amount as an object", "amount", { value: 1_000 }),
];

export const CURRENCY_CASES: HostileCase[] = [
  without("currency"),
  field("lower-case currency", "currency", "usd"),
  field("mixed-case currency", "currency", "Usd"),
  field("made-up currency", "currency", "ABC"),
  field("two-letter currency", "currency", "US"),
  field("four-letter currency", "currency", "USDD"),
  field("currency with a space", "currency", " USD"),
  field("numeric currency", "currency", 840),
  field("numeric currency code as string", "currency", "840"),
  field("empty currency", "currency", ""),
  field("currency null", "currency", null),
  field("currency named like an Object method", "currency", "constructor"),
];

export const SOURCE_CASES: HostileCase[] = [
  without("source"),
  field("raw card number as source", "source", "4242424242424242"),
  field("token with nothing after tok_", "source", "tok_"),
  field("token of 65 characters", "source", `tok_${"a".repeat(65)}`),
  field("token with punctuation", "source", "tok_visa!"),
  field("token with a newline", "source", "tok_visa\n"),
  field("upper-case TOK_ prefix", "source", "TOK_visa"),
  field("numeric source", "source", 4242424242424242),
  field("source as an object", "source", { card: "4242424242424242" }),
];

export const DESCRIPTION_CASES: HostileCase[] = [
  field("description over 500 characters", "description", "d".repeat(501)),
  field("description of 501 emoji", "description", "😀".repeat(501)),
  field("numeric description", "description", 42),
  field("description null", "description", null),
  field("description as an object", "description", { text: "x" }),
  field("description with a NUL", "description", "order\u00001"),
  field("description with a lone high surrogate", "description", "order \ud800"),
  field("description with a lone low surrogate", "description", "\udc00 order"),
];

export const CALLBACK_URL_CASES: HostileCase[] = [
  field("callbackUrl not a URL", "callbackUrl", "not a url"),
  field("callbackUrl with ftp", "callbackUrl", "ftp://example.com/hook"),
  field("callbackUrl with javascript:", "callbackUrl", "javascript:alert(1)"),
  field("callbackUrl with data:", "callbackUrl", "data:text/plain,hello"),
  field("callbackUrl with file:", "callbackUrl", "file:///etc/passwd"),
  field("callbackUrl without a host", "callbackUrl", "http://"),
  field("callbackUrl relative", "callbackUrl", "/hook"),
  field("callbackUrl over 2048 characters", "callbackUrl", `https://example.com/${"a".repeat(2_048)}`),
  field("callbackUrl as a number", "callbackUrl", 80),
  field("callbackUrl with a NUL", "callbackUrl", "https://example.com/hook\u0000"),
  field("callbackUrl with a lone surrogate", "callbackUrl", "https://example.com/\ud800"),
];

export const METADATA_CASES: HostileCase[] = [
  metadata("21 metadata keys", manyKeys(21)),
  metadata("metadata key of 41 characters", { ["k".repeat(41)]: "v" }),
  metadata("empty metadata key", { "": "v" }),
  metadata("metadata value over 500 characters", { note: "v".repeat(501) }),
  metadata("numeric metadata value", { n: 1 }),
  metadata("boolean metadata value", { flag: true }),
  metadata("null metadata value", { gone: null }),
  metadata("nested metadata object", { customer: { id: "c_1" } }),
  metadata("metadata as an array", ["a", "b"]),
  metadata("metadata as a string", "order=1"),
  metadata("metadata value with a NUL", { note: "a\u0000b" }),
  metadata("metadata key with a NUL", { "a\u0000b": "v" }),
  metadata("metadata value with a lone surrogate", { note: "\ud83d" }),
  metadata("metadata key with a lone surrogate", { "\udfff": "v" }),
  invalidPayment("metadata key twice, 21 keys in all", withRawMembers(`"metadata":${json(manyKeys(21)).slice(0, -1)},"k0":"again"}`)),
];
