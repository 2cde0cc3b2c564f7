import { z } from "zod";
import { PIPELINE_STEPS } from "../payments/payment.ts";
import { ERROR_CLASSES } from "../retry/classify.ts";

/** Which dead letters an operator means: every field narrows, none means all live dead letters. */
export const deadLetterFilterSchema = z.strictObject({
  errorClass: z.enum(ERROR_CLASSES).optional(),
  failedStep: z.enum(PIPELINE_STEPS).optional(),
  merchantId: z.string().min(1).max(64).optional(),
  /** Dead-lettered at or after (ISO 8601). */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Dead-lettered before (ISO 8601). */
  to: z.iso.datetime({ offset: true }).optional(),
  /** Free text: matched against the payment id, reason, error code and message. */
  q: z.string().min(1).max(200).optional(),
});

export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

/**
 * The filter as SQL over `dead_letters d`, numbering its parameters from `firstParam`. Only live
 * (undiscarded) dead letters of payments that are still dead-lettered ever match.
 */
export function deadLetterWhere(filter: DeadLetterFilter, firstParam = 1): { sql: string; params: unknown[] } {
  const clauses = ["d.discarded_at IS NULL", "EXISTS (SELECT 1 FROM payments p WHERE p.id = d.payment_id AND p.status = 'dead_lettered')"];
  const params: unknown[] = [];
  const add = (clause: (param: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${firstParam + params.length - 1}`));
  };
  if (filter.errorClass) add((p) => `d.error_class = ${p}`, filter.errorClass);
  if (filter.failedStep) add((p) => `d.failed_step = ${p}`, filter.failedStep);
  if (filter.merchantId) add((p) => `d.merchant_id = ${p}`, filter.merchantId);
  if (filter.from) add((p) => `d.dead_lettered_at >= ${p}`, filter.from);
  if (filter.to) add((p) => `d.dead_lettered_at < ${p}`, filter.to);
  if (filter.q) {
    add(
      (p) =>
        `(d.payment_id::text ILIKE ${p} OR d.reason ILIKE ${p} OR d.error_code ILIKE ${p} OR d.error_message ILIKE ${p})`,
      `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    );
  }
  return { sql: clauses.join(" AND "), params };
}
