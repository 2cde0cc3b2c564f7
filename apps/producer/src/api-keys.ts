import { createHash } from "node:crypto";

const MERCHANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MIN_KEY_LENGTH = 16;

/**
 * The merchants' API keys. Keys are held only as SHA-256 digests and looked up by digest, so the time
 * a lookup takes says nothing about how much of a guessed key was right.
 */
export class ApiKeyring {
  private readonly merchantByDigest = new Map<string, string>();

  /** Parses `merchantId:key,merchantId:key`. */
  static parse(spec: string): ApiKeyring {
    const ring = new ApiKeyring();
    for (const pair of spec.split(",").map((p) => p.trim()).filter(Boolean)) {
      const at = pair.indexOf(":");
      const merchantId = pair.slice(0, at);
      const key = pair.slice(at + 1);
      if (at < 1 || !MERCHANT_ID.test(merchantId)) {
        throw new Error(`PAYQ_API_KEYS: "${merchantId || pair.slice(0, 8)}…" is not a valid merchantId:key pair`);
      }
      if (key.length < MIN_KEY_LENGTH) {
        throw new Error(`PAYQ_API_KEYS: the key of ${merchantId} must be at least ${MIN_KEY_LENGTH} characters`);
      }
      ring.merchantByDigest.set(digest(key), merchantId);
    }
    if (ring.merchantByDigest.size === 0) throw new Error("PAYQ_API_KEYS names no keys");
    return ring;
  }

  /** The merchant a presented key belongs to, or null. */
  merchantFor(key: string): string | null {
    return this.merchantByDigest.get(digest(key)) ?? null;
  }
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
