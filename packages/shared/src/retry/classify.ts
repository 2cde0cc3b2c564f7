/**
 * Failure classes. `declined` is a business outcome, not an error; the rest say how to retry.
 * - transient: the request failed before it could take effect (5xx, refused, reset). Retry with backoff.
 * - ambiguous: it may have taken effect (timed out after it was sent). Retry with the same idempotency key.
 * - rate_limited: the dependency asked us to slow down. Retry, no sooner than it said.
 * - permanent: retrying cannot help (bad request, poison data). Dead-letter at once.
 */
export const ERROR_CLASSES = ["transient", "ambiguous", "rate_limited", "permanent"] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];
export type FailureClass = ErrorClass | "declined";

/** What went wrong, as observed at the edge where it happened. */
export type FailureSignal =
  | { kind: "http_status"; status: number }
  | { kind: "network"; code: string }
  | { kind: "timeout"; requestSent: boolean }
  | { kind: "sqlstate"; code: string }
  | { kind: "invalid_payment" }
  | { kind: "unexpected" };

/**
 * Network errors that retrying cannot fix: the request is malformed or the peer is not who it claims to
 * be. Every other network error (refused, reset, unreachable, DNS) is worth retrying.
 */
const PERMANENT_NETWORK_CODES = new Set([
  "ERR_INVALID_URL",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UND_ERR_INVALID_ARG",
]);

/**
 * SQLSTATEs worth retrying, by exact code and by class (first two characters).
 * Everything else (constraint violations above all) is a bug or bad data: permanent.
 */
const TRANSIENT_SQLSTATES = new Set(["40001", "40P01", "55P03", "57P01", "57P02", "57P03", "57014"]);
const TRANSIENT_SQLSTATE_CLASSES = new Set(["08", "53", "58"]);

function classifyHttpStatus(status: number): FailureClass {
  if (status === 402) return "declined";
  if (status === 429) return "rate_limited";
  if (status === 408 || status >= 500) return "transient";
  return "permanent";
}

export function classifyFailure(signal: FailureSignal): FailureClass {
  switch (signal.kind) {
    case "http_status":
      return classifyHttpStatus(signal.status);
    case "network":
      return PERMANENT_NETWORK_CODES.has(signal.code) ? "permanent" : "transient";
    case "timeout":
      return signal.requestSent ? "ambiguous" : "transient";
    case "sqlstate":
      return TRANSIENT_SQLSTATES.has(signal.code) || TRANSIENT_SQLSTATE_CLASSES.has(signal.code.slice(0, 2))
        ? "transient"
        : "permanent";
    case "invalid_payment":
      return "permanent";
    case "unexpected":
      // Every step is idempotent, so retrying an unknown error is safe; a real bug still ends in the
      // dead-letter queue after the last attempt, with every attempt recorded.
      return "transient";
  }
}
