import { z } from "zod";
import { isSupportedCurrency } from "./currencies.ts";

export interface CreatePaymentLimits {
  /** Largest amount accepted, in minor units. @default 100_000_000 (one million in a 2-digit currency) */
  maxAmount: number;
}

export const DEFAULT_CREATE_PAYMENT_LIMITS: CreatePaymentLimits = { maxAmount: 100_000_000 };

/** Only tokens, never raw card numbers: a token is safe to store, log and return. */
const SOURCE_TOKEN = /^tok_[A-Za-z0-9_]{1,64}$/;
const METADATA_MAX_KEYS = 20;
/**
 * What Postgres cannot store: NUL (refused in text and jsonb) and a lone UTF-16 surrogate (it has no
 * UTF-8 form, and jsonb refuses its escape). Refused here, so such text is a 400 and not a failed insert.
 */
const UNSTORABLE = /[\0\p{Cs}]/u;
const storable = (text: string) => !UNSTORABLE.test(text);
const unstorable = (what: string) => `${what} must not contain NUL or unpaired surrogate characters`;

/**
 * zod's record skips an own `__proto__` key without a word (an object cannot hold it as data: assigning
 * it sets the prototype), so the merchant's key would silently vanish. It is refused instead.
 */
const withoutProtoKey = z
  .unknown()
  .refine((value) => !(typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")), "metadata key __proto__ is reserved");

export function createPaymentSchema(limits: CreatePaymentLimits = DEFAULT_CREATE_PAYMENT_LIMITS) {
  return z.strictObject({
    amount: z
      .number({ error: "amount must be an integer number of minor units" })
      .int("amount must be an integer number of minor units")
      .min(1, "amount must be at least 1")
      .max(limits.maxAmount, `amount must be at most ${limits.maxAmount}`)
      .meta({ description: "in minor units of the currency" }),
    currency: z
      .string({ error: "currency must be an ISO 4217 code" })
      .refine(isSupportedCurrency, "currency must be an active ISO 4217 code in upper case, such as USD")
      .meta({ description: "an active ISO 4217 code in upper case, such as USD" }),
    source: z
      .string({ error: "source must be a payment token" })
      .regex(SOURCE_TOKEN, "source must be a payment token such as tok_visa (raw card numbers are refused)"),
    description: z
      .string()
      .max(500, "description must be at most 500 characters")
      .refine(storable, unstorable("description"))
      .optional(),
    callbackUrl: z
      .url({ protocol: /^https?$/, error: "callbackUrl must be an http(s) URL" })
      .max(2048, "callbackUrl must be at most 2048 characters")
      .refine(storable, unstorable("callbackUrl"))
      .optional(),
    metadata: withoutProtoKey
      .pipe(
        z
          .record(
            z
              .string()
              .min(1, "metadata keys must not be empty")
              .max(40, "metadata keys must be at most 40 characters")
              .refine(storable, unstorable("metadata keys")),
            z
              .string({ error: "metadata values must be strings" })
              .max(500, "metadata values must be at most 500 characters")
              .refine(storable, unstorable("metadata values")),
          )
          .refine((value) => Object.keys(value).length <= METADATA_MAX_KEYS, `metadata may have at most ${METADATA_MAX_KEYS} keys`),
      )
      .optional(),
  });
}

export type CreatePaymentInput = z.infer<ReturnType<typeof createPaymentSchema>>;
