import type { RawRequest } from "../support/raw-http.ts";
import { MERCHANT_A } from "../support/stack.ts";

/** One hostile request and what the API must answer: always a 4xx and a machine-readable code. */
export interface HostileCase extends RawRequest {
  name: string;
  status: number;
  code: string;
}

export const AUTH = { authorization: `Bearer ${MERCHANT_A.key}` };
/** Headers a well-behaved client sends, so a case changes only what it names. */
export const GOOD_HEADERS = { ...AUTH, "content-type": "application/json", "idempotency-key": "hostile-corpus-key" };
export const VALID_PAYMENT = { amount: 1_000, currency: "USD", source: "tok_visa" };

export const json = (value: unknown): string => JSON.stringify(value);
/** The valid payment with one field set to `value`. */
export const withField = (field: string, value: unknown): string => json({ ...VALID_PAYMENT, [field]: value });
/** The valid payment as JSON text, with `members` (raw `"key": value` text) spliced in at the end. */
export const withRawMembers = (members: string): string => `${json(VALID_PAYMENT).slice(0, -1)},${members}}`;
/** `depth` arrays inside one another. */
export const nestedArrays = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

export function post(
  name: string,
  body: string | Uint8Array | undefined,
  status: number,
  code: string,
  headers: RawRequest["headers"] = GOOD_HEADERS,
): HostileCase {
  return { name, method: "POST", path: "/v1/payments", headers, ...(body === undefined ? {} : { body }), status, code };
}

/** A well-formed request whose payment breaks a rule of the schema. */
export const invalidPayment = (name: string, body: string): HostileCase => post(name, body, 400, "validation_failed");

export function get(name: string, path: string, status: number, code: string, headers: RawRequest["headers"] = AUTH): HostileCase {
  return { name, method: "GET", path, headers, status, code };
}
