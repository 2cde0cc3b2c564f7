import { timingSafeEqual } from "node:crypto";
import { apiKeyDigest, ConfigError } from "@payq/runtime";

/** `merchantId:sha256:<hex>`; why a plain SHA-256 is enough is in @payq/runtime's api-key-hash.ts. */
const ENTRY = /^([A-Za-z0-9_-]{1,64}):sha256:([0-9a-fA-F]{64})$/;

interface KeyEntry {
  merchantId: string;
  digest: Buffer;
}

/**
 * The merchants' API keys, held only as the SHA-256 digests they are configured as.
 *
 * There is one format, hashes, even for development: the default is the hash of the printed dev key. A
 * plaintext fallback would let a real key slip into configuration unnoticed, and tests would then drive
 * a path production never takes.
 */
export class ApiKeyring {
  private constructor(private readonly entries: readonly KeyEntry[]) {}

  /**
   * Parses `merchantId:sha256:<hex>,…` (a merchant may have several keys, to rotate them). A bad entry is
   * named by its position only: it may be a key pasted in by mistake, and errors end up in logs.
   */
  static parse(spec: string): ApiKeyring {
    const entries: KeyEntry[] = [];
    const items = spec
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    items.forEach((item, i) => {
      const match = ENTRY.exec(item);
      if (!match) {
        throw new ConfigError(
          `PAYQ_API_KEYS: entry ${i + 1} is not merchantId:sha256:<64 hex digits>. ` +
            "Configure the hash of each key, never the key itself: `pnpm payq hash-api-key` prints it.",
        );
      }
      const digest = Buffer.from(match[2]!, "hex");
      const earlier = entries.findIndex((entry) => entry.digest.equals(digest));
      if (earlier >= 0) {
        throw new ConfigError(`PAYQ_API_KEYS: entry ${i + 1} repeats the hash of entry ${earlier + 1}; a key belongs to one merchant`);
      }
      entries.push({ merchantId: match[1]!, digest });
    });
    if (entries.length === 0) throw new ConfigError("PAYQ_API_KEYS names no keys");
    return new ApiKeyring(entries);
  }

  /**
   * The merchant a presented key belongs to, or null. Every entry is compared in constant time and none
   * is skipped, so how long this takes says nothing about which entry, or how much of one, matched.
   */
  merchantFor(key: string): string | null {
    const presented = apiKeyDigest(key);
    let merchantId: string | null = null;
    for (const entry of this.entries) {
      const same = timingSafeEqual(presented, entry.digest);
      merchantId = same ? entry.merchantId : merchantId;
    }
    return merchantId;
  }
}
