import { BROKEN_JSON_CASES, NON_OBJECT_CASES, PROTOTYPE_CASES, STRUCTURE_CASES } from "./bodies.ts";
import type { HostileCase } from "./case.ts";
import { AUTH_CASES, CONTENT_TYPE_CASES, IDEMPOTENCY_KEY_CASES } from "./headers.ts";
import {
  AMOUNT_CASES,
  CALLBACK_URL_CASES,
  CURRENCY_CASES,
  DESCRIPTION_CASES,
  METADATA_CASES,
  SOURCE_CASES,
} from "./payment-fields.ts";
import { LIST_QUERY_CASES, PAYMENT_ID_CASES } from "./reads.ts";

export { GOOD_HEADERS, json } from "./case.ts";

/** Every hostile request payq has been shown, each with the 4xx and code it must answer. */
export const HOSTILE_CASES: HostileCase[] = [
  ...AUTH_CASES,
  ...IDEMPOTENCY_KEY_CASES,
  ...CONTENT_TYPE_CASES,
  ...BROKEN_JSON_CASES,
  ...NON_OBJECT_CASES,
  ...STRUCTURE_CASES,
  ...PROTOTYPE_CASES,
  ...AMOUNT_CASES,
  ...CURRENCY_CASES,
  ...SOURCE_CASES,
  ...DESCRIPTION_CASES,
  ...CALLBACK_URL_CASES,
  ...METADATA_CASES,
  ...PAYMENT_ID_CASES,
  ...LIST_QUERY_CASES,
];
