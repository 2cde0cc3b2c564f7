import { createHmac, timingSafeEqual } from "node:crypto";

/** The header carrying a delivery's timestamp and signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = "payq-signature";
/** How old a delivery may be before `verifyWebhook` refuses it, so a captured one can't be replayed later. */
export const DEFAULT_TOLERANCE_S = 300;

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The signature header value for a webhook body, signed at `now`. */
export function signWebhook(secret: string, body: string, now = Date.now()): string {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export type WebhookVerification =
  | { valid: true; timestamp: number }
  | { valid: false; reason: "malformed_header" | "bad_signature" | "outside_tolerance" };

/**
 * Checks a delivery the way a merchant should: against the raw body bytes, in constant time, and
 * within a tolerance of the signing time.
 */
export function verifyWebhook(
  secret: string,
  rawBody: string,
  header: string | undefined,
  options: { toleranceS?: number; now?: number } = {},
): WebhookVerification {
  const parts = new Map(
    (header ?? "").split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get("t"));
  const signature = parts.get("v1");
  if (!Number.isInteger(timestamp) || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    return { valid: false, reason: "malformed_header" };
  }
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), "hex");
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) return { valid: false, reason: "bad_signature" };
  const ageS = Math.abs((options.now ?? Date.now()) / 1000 - timestamp);
  if (ageS > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) return { valid: false, reason: "outside_tolerance" };
  return { valid: true, timestamp };
}
