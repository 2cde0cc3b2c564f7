import { z } from "zod";
import { PAYMENT_STATUSES, paymentViewSchema } from "@payq/shared";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A payment id as the routes accept it: anything else is simply not found. */
export const isPaymentId = (id: string) => UUID.test(id);

/** `GET /v1/payments` query; the API description publishes it as the operation's parameters. */
export const listQuerySchema = z.strictObject({
  status: z.enum(PAYMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .meta({ description: "the nextCursor of the previous page" })
    .transform((cursor) => Buffer.from(cursor, "base64url").toString())
    .refine(isPaymentId, "cursor is not one this API returned")
    .optional(),
});

/** One page of `GET /v1/payments`, newest first. */
export const paymentListSchema = z.strictObject({
  object: z.literal("list"),
  data: z.array(paymentViewSchema),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export type PaymentList = z.infer<typeof paymentListSchema>;

/** The largest payment body accepted (express's notation); the API description quotes it. */
export const BODY_LIMIT = "16kb";
