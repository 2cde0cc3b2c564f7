import { describe, expect, it } from "vitest";
import { ConfigError, hashApiKey } from "@payq/runtime";
import { ApiKeyring } from "./api-keys.ts";

const KEY_ONE = "sk_live_aaaaaaaaaaaaaaaa";
const KEY_TWO = "sk_live_bbbbbbbbbbbbbbbb";
const KEY_ROTATED = "sk_live_cccccccccccccccc";

/** What parsing `spec` throws, so a test can check both the words and what they must not contain. */
function failureOf(spec: string): ConfigError {
  try {
    ApiKeyring.parse(spec);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`"${spec}" was accepted`);
}

describe("ApiKeyring", () => {
  it("maps each configured hash's key to its merchant and nothing else", () => {
    const upperCaseHex = `sha256:${hashApiKey(KEY_ROTATED).slice("sha256:".length).toUpperCase()}`;
    const ring = ApiKeyring.parse(`m_one:${hashApiKey(KEY_ONE)}, m_two:${hashApiKey(KEY_TWO)},m_one:${upperCaseHex}`);
    expect(ring.merchantFor(KEY_ONE)).toBe("m_one");
    expect(ring.merchantFor(KEY_TWO)).toBe("m_two");
    expect(ring.merchantFor(KEY_ROTATED)).toBe("m_one");
    expect(ring.merchantFor(KEY_ONE.slice(0, -1))).toBeNull();
    expect(ring.merchantFor(`${KEY_ONE}a`)).toBeNull();
    expect(ring.merchantFor("")).toBeNull();
  });

  it("does not take a configured hash as a key", () => {
    const hash = hashApiKey(KEY_ONE);
    const ring = ApiKeyring.parse(`m_one:${hash}`);
    expect(ring.merchantFor(hash)).toBeNull();
    expect(ring.merchantFor(hash.slice("sha256:".length))).toBeNull();
  });

  it.each([
    ["a plaintext key", `m_one:${KEY_ONE}`],
    ["a bare key", KEY_ONE],
    ["a plaintext key holding colons", `m_one:sha256:${KEY_ONE}`],
    ["an unknown scheme", `m_one:md5:${"a".repeat(32)}`],
    ["a short digest", `m_one:sha256:${"a".repeat(63)}`],
    ["a non-hex digest", `m_one:sha256:${"g".repeat(64)}`],
    ["a merchant id with a space", `m one:${hashApiKey(KEY_ONE)}`],
  ])("refuses %s, naming the entry by position and never echoing it", (_, bad) => {
    const error = failureOf(`m_two:${hashApiKey(KEY_TWO)},${bad}`);
    expect(error.message).toMatch(/^PAYQ_API_KEYS: entry 2 is not merchantId:sha256:<64 hex digits>/);
    expect(error.message).toContain("pnpm payq hash-api-key");
    expect(error.message).not.toContain(KEY_ONE);
    expect(error.message).not.toContain("aaaa");
    expect(error.message).not.toContain(hashApiKey(KEY_TWO).slice(7, 20));
  });

  it("refuses one key configured twice and a configuration with no keys", () => {
    const hash = hashApiKey(KEY_ONE);
    expect(failureOf(`m_one:${hash},m_two:${hash}`).message).toBe(
      "PAYQ_API_KEYS: entry 2 repeats the hash of entry 1; a key belongs to one merchant",
    );
    expect(failureOf("").message).toBe("PAYQ_API_KEYS names no keys");
    expect(failureOf(" , ,").message).toBe("PAYQ_API_KEYS names no keys");
  });
});
