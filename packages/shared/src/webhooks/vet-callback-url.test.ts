import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { EMPTY_WEBHOOK_ALLOWLIST, parseWebhookAllowlist } from "./callback-target.ts";
import { vetCallbackUrl, type CallbackTargetPolicy, type HostLookup } from "./vet-callback-url.ts";

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

/** A resolver that knows only these names, and counts how often it is asked. */
function fakeDns(names: Record<string, LookupAddress[]>): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = (hostname: string) => {
    calls.push(hostname);
    const found = names[hostname];
    if (!found) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));
    return Promise.resolve(found);
  };
  return Object.assign(lookup, { calls });
}

const DNS = fakeDns({
  "shop.example": [v4("93.184.216.34"), v6("2606:2800:220:1::1")],
  "internal.example": [v4("10.0.0.5")],
  "rebind.example": [v4("93.184.216.34"), v4("127.0.0.1")],
  "metadata.example": [v4("169.254.169.254")],
  "mapped.example": [v6("::ffff:192.168.0.1")],
  "sink.test": [v4("127.0.0.1")],
  "empty.example": [],
});
const strict: CallbackTargetPolicy = { allowlist: EMPTY_WEBHOOK_ALLOWLIST, lookup: DNS };

describe("vetCallbackUrl with names", () => {
  it("allows a name whose every address is public, and returns those addresses", async () => {
    expect(await vetCallbackUrl("https://shop.example/hooks?token=x", strict)).toEqual({
      ok: true,
      addresses: [v4("93.184.216.34"), v6("2606:2800:220:1::1")],
    });
  });

  it.each([
    ["http://internal.example/hook", "callbackUrl resolves to a private address"],
    ["http://rebind.example/hook", "callbackUrl resolves to a loopback address"],
    ["http://metadata.example/latest/meta-data", "callbackUrl resolves to the cloud metadata address"],
    ["http://mapped.example/hook", "callbackUrl resolves to a private address"],
    ["http://sink.test:4010/webhooks/x", "callbackUrl resolves to a loopback address"],
  ])("refuses %s: %s", async (url, reason) => {
    expect(await vetCallbackUrl(url, strict)).toEqual({ ok: false, code: "callback_url_refused", reason });
  });

  it("calls a name that does not resolve, or resolves to nothing, unresolvable", async () => {
    const unresolvable = { ok: false, code: "callback_url_unresolvable", reason: "callbackUrl's host name could not be resolved" };
    expect(await vetCallbackUrl("http://nowhere.example/hook", strict)).toEqual(unresolvable);
    expect(await vetCallbackUrl("http://empty.example/hook", strict)).toEqual(unresolvable);
  });

  it("gives up on a resolver that does not answer in time", async () => {
    const silent: HostLookup = () => new Promise(() => undefined);
    const started = Date.now();
    const verdict = await vetCallbackUrl("http://slow.example/hook", { allowlist: EMPTY_WEBHOOK_ALLOWLIST, lookup: silent, lookupTimeoutMs: 50 });
    expect(verdict).toMatchObject({ ok: false, code: "callback_url_unresolvable" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("trusts an allowlisted name whatever it resolves to, and an allowlisted network only for its own addresses", async () => {
    const byName = { ...strict, allowlist: parseWebhookAllowlist("sink.test") };
    expect(await vetCallbackUrl("http://sink.test:4010/webhooks/x", byName)).toEqual({ ok: true, addresses: [v4("127.0.0.1")] });
    const byNetwork = { ...strict, allowlist: parseWebhookAllowlist("10.0.0.0/8") };
    expect(await vetCallbackUrl("http://internal.example/hook", byNetwork)).toMatchObject({ ok: true });
    expect(await vetCallbackUrl("http://rebind.example/hook", byNetwork)).toMatchObject({ ok: false, code: "callback_url_refused" });
  });
});

describe("vetCallbackUrl with IP literals", () => {
  it.each([
    ["http://127.0.0.1:8080/hook", "callbackUrl is a loopback address"],
    ["http://[::1]/x", "callbackUrl is a loopback address"],
    ["http://[::ffff:127.0.0.1]/x", "callbackUrl is a loopback address"],
    ["http://169.254.169.254/latest/meta-data", "callbackUrl is the cloud metadata address"],
    ["http://10.0.0.1/x", "callbackUrl is a private address"],
    ["http://0.0.0.0:6379/", "callbackUrl is an unspecified address"],
    ["http://[fe80::1]/x", "callbackUrl is a link-local address"],
    // The URL parser turns these spellings of 127.0.0.1 into the dotted form before anything sees them.
    ["http://2130706433/x", "callbackUrl is a loopback address"],
    ["http://0x7f.1/x", "callbackUrl is a loopback address"],
    ["http://017700000001/x", "callbackUrl is a loopback address"],
  ])("refuses %s without asking DNS", async (url, reason) => {
    const dns = fakeDns({});
    expect(await vetCallbackUrl(url, { allowlist: EMPTY_WEBHOOK_ALLOWLIST, lookup: dns })).toEqual({
      ok: false,
      code: "callback_url_refused",
      reason,
    });
    expect(dns.calls).toEqual([]);
  });

  it("allows a public literal as it is", async () => {
    expect(await vetCallbackUrl("https://8.8.8.8/hook", strict)).toEqual({ ok: true, addresses: [v4("8.8.8.8")] });
    expect(await vetCallbackUrl("https://[2606:4700:4700::1111]/hook", strict)).toEqual({
      ok: true,
      addresses: [v6("2606:4700:4700::1111")],
    });
  });

  it("refuses what is not an http(s) URL", async () => {
    for (const url of ["ftp://shop.example/x", "file:///etc/passwd", "not a url"]) {
      expect(await vetCallbackUrl(url, strict)).toEqual({ ok: false, code: "callback_url_refused", reason: "callbackUrl is not an http(s) URL" });
    }
  });
});

describe("vetCallbackUrl with the system resolver", () => {
  it("refuses localhost, which /etc/hosts resolves to loopback", async () => {
    expect(await vetCallbackUrl("http://localhost:4010/webhooks/x", { allowlist: EMPTY_WEBHOOK_ALLOWLIST })).toEqual({
      ok: false,
      code: "callback_url_refused",
      reason: "callbackUrl resolves to a loopback address",
    });
  });

  it("allows localhost once loopback is allowlisted, by network or by name", async () => {
    for (const allowlist of ["127.0.0.0/8,::1", "localhost"]) {
      const verdict = await vetCallbackUrl("http://localhost:4010/webhooks/x", { allowlist: parseWebhookAllowlist(allowlist) });
      expect(verdict.ok).toBe(true);
      const addresses = verdict.ok ? verdict.addresses.map((a) => a.address) : [];
      expect(addresses).toContain("127.0.0.1");
      expect(addresses.every((address) => address === "127.0.0.1" || address === "::1")).toBe(true);
    }
  });
});
