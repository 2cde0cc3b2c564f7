import { z } from "zod";
import { apiErrorSchema } from "@payq/runtime";
import { createPaymentSchema, paymentViewSchema, type CreatePaymentLimits } from "@payq/shared";
import { IDEMPOTENCY_KEY } from "./middleware/idempotency-key.ts";
import { BODY_LIMIT, listQuerySchema, paymentListSchema } from "./routes/payment-schemas.ts";

type JsonSchema = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ "application/json": { schema } });

/** Every error answer shares the `apiError` body; the description names the codes a client can act on. */
const error = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers && { headers }),
  content: json(ref("Error")),
});

const RATE_LIMITED = error("`rate_limited`: over this merchant's request budget", {
  "Retry-After": { description: "whole seconds until the budget allows another request", schema: { type: "string" } },
});
const UNAUTHORIZED = error("`unauthorized`: no valid API key", {
  "WWW-Authenticate": { schema: { type: "string" } },
});
const INTERNAL = error("`internal_error`: a fault on our side; safe to retry with the same Idempotency-Key");
const PAYMENT_LOCATION = { Location: { description: "the payment's URL", schema: { type: "string" } } };

/**
 * The component schemas, generated from the zod schemas the routes parse and answer with, so the
 * description cannot claim a shape the API does not have.
 */
function componentSchemas(limits: CreatePaymentLimits): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  registry.add(createPaymentSchema(limits), { id: "CreatePayment" });
  registry.add(paymentViewSchema, { id: "Payment" });
  registry.add(paymentListSchema, { id: "PaymentList" });
  registry.add(apiErrorSchema, { id: "Error" });
  // "output": the request body has no transforms, and its metadata is checked as `unknown` piped into the
  // record, whose input side would publish as `{}`; for responses, output is what is sent.
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => ref(id).$ref, io: "output" });
  // The document's dialect is 2020-12 already, and a component is named by where it sits.
  return Object.fromEntries(
    Object.entries(schemas).map(([name, { $schema: _dialect, $id: _id, ...schema }]) => [name, schema]),
  );
}

/** The list query's fields as query parameters, as the route reads them (strings, coerced). */
function listParameters() {
  const { properties = {}, required = [] } = z.toJSONSchema(listQuerySchema, { io: "input" });
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: "query",
    required: required.includes(name),
    schema,
  }));
}

/** OpenAPI 3.1 description of the producer's merchant API. */
export function producerOpenApi(limits: CreatePaymentLimits) {
  return {
    openapi: "3.1.0",
    info: {
      title: "payq producer API",
      version: "1",
      description: "Accepts payments durably and answers for them. Every error is JSON with a machine-readable `code`.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    security: [{ apiKey: [] }],
    paths: {
      "/v1/payments": {
        post: {
          operationId: "createPayment",
          summary: "Accept a payment for processing",
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: true,
              description: "unique per payment; the same key and body replay the first answer",
              schema: { type: "string", pattern: IDEMPOTENCY_KEY.source },
            },
          ],
          requestBody: { required: true, content: json(ref("CreatePayment")) },
          responses: {
            "202": {
              description: "accepted (or, for a key already used with this body, the first answer replayed)",
              headers: {
                ...PAYMENT_LOCATION,
                "Idempotent-Replayed": { description: "`true` on a replay", schema: { type: "string", const: "true" } },
              },
              content: json(ref("Payment")),
            },
            "400": error(
              "`validation_failed` (details list each field), `invalid_json`, `idempotency_key_missing`, `idempotency_key_invalid`, or a refused callbackUrl",
            ),
            "401": UNAUTHORIZED,
            "409": error("`idempotency_key_in_use`: the first request with this key is still being handled; retry shortly"),
            "413": error(`\`payload_too_large\`: the body is over ${BODY_LIMIT}`),
            "415": error("`unsupported_media_type`, `unsupported_charset` or `unsupported_encoding`"),
            "422": error("`idempotency_key_reused`: this key was used with a different body"),
            "429": RATE_LIMITED,
            "500": INTERNAL,
          },
        },
        get: {
          operationId: "listPayments",
          summary: "The merchant's payments, newest first",
          parameters: listParameters(),
          responses: {
            "200": { description: "one page; pass `nextCursor` back as `cursor`", content: json(ref("PaymentList")) },
            "400": error("`invalid_query`: details list each parameter"),
            "401": UNAUTHORIZED,
            "429": RATE_LIMITED,
            "500": INTERNAL,
          },
        },
      },
      "/v1/payments/{id}": {
        get: {
          operationId: "getPayment",
          summary: "One of the merchant's payments",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "the payment", content: json(ref("Payment")) },
            "401": UNAUTHORIZED,
            "404": error("`payment_not_found`: no such payment for this merchant"),
            "429": RATE_LIMITED,
            "500": INTERNAL,
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "the merchant's API key: `Authorization: Bearer <key>`" },
      },
      schemas: componentSchemas(limits),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof producerOpenApi>;
