import { deadLetterFilterSchema, type DeadLetterFilter } from "@payq/shared";

/** `datetime-local` inputs carry no zone; the console's times are UTC throughout. */
const toIso = (value: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value}${value.length === 16 ? ":00" : ""}Z` : value);

/** The dead-letter filter from a page's query string: empty fields are absent, the rest validated. */
export function filterFromQuery(query: Record<string, unknown>): { filter: DeadLetterFilter; form: Record<string, string> } | { error: string } {
  const form: Record<string, string> = {};
  for (const key of ["errorClass", "failedStep", "merchantId", "from", "to", "q", "after"]) {
    const value = query[key];
    if (typeof value === "string" && value.trim()) form[key] = value.trim();
  }
  const { after: _after, ...fields } = form;
  const parsed = deadLetterFilterSchema.safeParse({
    ...fields,
    ...(fields.from ? { from: toIso(fields.from) } : {}),
    ...(fields.to ? { to: toIso(fields.to) } : {}),
  });
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  return { filter: parsed.data, form };
}

/** The page cursor `<iso time>|<payment id>`. */
export function cursorFromQuery(value: string | undefined): { at: string; id: string } | undefined {
  const match = value ? /^([^|]+)\|([0-9a-f-]{36})$/.exec(value) : null;
  return match && !Number.isNaN(Date.parse(match[1]!)) ? { at: match[1]!, id: match[2]! } : undefined;
}
