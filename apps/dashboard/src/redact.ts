/** Keys whose values never reach a screen: credentials, secrets, and payment instruments. */
const SENSITIVE_KEY = /^(source|authorization|password|secret|token|api_?key|card|pan|cvc|cvv|.*secret.*)$/i;
/** 13 to 19 digits, optionally grouped: what a card number looks like inside free text. */
const CARD_LIKE = /\b(?:\d[ -]?){12,18}\d\b/g;

/** A deep copy with sensitive fields masked and card-like numbers blanked out of every string. */
export function redact(value: unknown): unknown {
  if (typeof value === "string") return value.replace(CARD_LIKE, "[redacted]");
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        SENSITIVE_KEY.test(key) ? "[redacted]" : redact(inner),
      ]),
    );
  }
  return value;
}
