import { describe, expect, it } from "vitest";
import { ApiKeyring } from "./api-keys.ts";

describe("ApiKeyring", () => {
  it("maps each key to its merchant and nothing else", () => {
    const ring = ApiKeyring.parse("m_one:sk_live_aaaaaaaaaaaaaaaa, m_two:sk_live_bbbbbbbbbbbbbbbb");
    expect(ring.merchantFor("sk_live_aaaaaaaaaaaaaaaa")).toBe("m_one");
    expect(ring.merchantFor("sk_live_bbbbbbbbbbbbbbbb")).toBe("m_two");
    expect(ring.merchantFor("sk_live_aaaaaaaaaaaaaaa")).toBeNull();
    expect(ring.merchantFor("")).toBeNull();
  });

  it("refuses malformed configuration without echoing the key", () => {
    expect(() => ApiKeyring.parse("")).toThrow("names no keys");
    expect(() => ApiKeyring.parse("m_one:short")).toThrow("at least 16 characters");
    expect(() => ApiKeyring.parse("sk_live_aaaaaaaaaaaaaaaa")).toThrow(/not a valid merchantId:key pair/);
    expect(() => ApiKeyring.parse("bad id:sk_live_aaaaaaaaaaaaaaaa")).not.toThrow(/sk_live_aaaa/);
  });
});
