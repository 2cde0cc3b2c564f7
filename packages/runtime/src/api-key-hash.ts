import { createHash, randomBytes } from "node:crypto";

/**
 * Merchant API keys are configured only as hashes (`merchantId:sha256:<hex>` in PAYQ_API_KEYS), so a
 * leaked configuration or environment dump does not hand out keys.
 *
 * One unsalted SHA-256 is enough here, unlike for passwords: an API key is a long random secret
 * (`newApiKey` draws 256 bits), so there is no dictionary to try and nothing a salt or a slow hash would
 * protect; and the producer checks a key on every request, where scrypt's ~50 ms would be the whole budget.
 */

/** Keys shorter than this are refused: they would be guessable, and then a fast hash would not do. */
export const MIN_API_KEY_LENGTH = 16;

/** What the producer accepts in `Authorization: Bearer <key>`: printable ASCII, no spaces, bounded. */
const WELL_FORMED_KEY = new RegExp(`^[\\x21-\\x7e]{${MIN_API_KEY_LENGTH},256}$`);

export function isWellFormedApiKey(key: string): boolean {
  return WELL_FORMED_KEY.test(key);
}

/** The raw SHA-256 digest of a key, for constant-time comparison. */
export function apiKeyDigest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

/** The form PAYQ_API_KEYS takes for a key: `sha256:<64 hex digits>`. */
export function hashApiKey(key: string): string {
  return `sha256:${apiKeyDigest(key).toString("hex")}`;
}

/** A fresh key: 256 random bits, URL-safe, with a prefix that says what it is when it turns up in a paste. */
export function newApiKey(): string {
  return `sk_live_${randomBytes(32).toString("base64url")}`;
}

/**
 * The development merchant and its key, which `pnpm start` prints so the demo works with no setup.
 * The producer's default configuration holds only its hash, like any other key. Never for production.
 */
export const DEV_API_KEY = { merchantId: "merchant_demo", key: "sk_test_payq_demo_key" } as const;
