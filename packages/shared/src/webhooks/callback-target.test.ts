import { describe, expect, it } from "vitest";
import {
  addressRefusal,
  allowlistsHost,
  classifyAddress,
  EMPTY_WEBHOOK_ALLOWLIST,
  parseWebhookAllowlist,
  type AddressClass,
} from "./callback-target.ts";

const CLASSES: [string, AddressClass][] = [
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["::1", "loopback"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["fc00::1", "private"],
  ["fd00:ec2::254", "private"],
  ["fec0::1", "private"],
  ["169.254.169.254", "metadata"],
  ["169.254.0.1", "link-local"],
  ["fe80::1", "link-local"],
  ["0.0.0.0", "unspecified"],
  ["::", "unspecified"],
  ["100.64.0.1", "carrier-grade-nat"],
  ["100.127.255.255", "carrier-grade-nat"],
  ["224.0.0.1", "multicast"],
  ["ff02::1", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["192.0.2.1", "reserved"],
  ["198.18.0.1", "reserved"],
  ["2001:db8::1", "reserved"],
  // IPv4-compatible IPv6 (deprecated): outside global unicast, so not a way round the IPv4 rules.
  ["::7f00:1", "reserved"],
  // IPv4-mapped IPv6 is classed as the IPv4 address, however it is spelled.
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::ffff:10.0.0.1", "private"],
  ["::ffff:169.254.169.254", "metadata"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["64:ff9b::7f00:1", "ipv6-transition"],
  ["2002:7f00:1::", "ipv6-transition"],
  ["2001:0:4136:e378::1", "ipv6-transition"],
  ["8.8.8.8", "public"],
  ["93.184.216.34", "public"],
  ["172.15.255.255", "public"],
  ["172.32.0.1", "public"],
  ["100.128.0.1", "public"],
  ["2606:4700:4700::1111", "public"],
  ["::ffff:8.8.8.8", "public"],
];

describe("classifyAddress", () => {
  it.each(CLASSES)("%s is %s", (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it("takes only canonical IP addresses, not names or the shorthand forms inet_aton accepts", () => {
    for (const notAnAddress of ["localhost", "127.1", "0x7f000001", "2130706433", ""]) {
      expect(() => classifyAddress(notAnAddress)).toThrow(TypeError);
    }
  });
});

describe("addressRefusal with no allowlist", () => {
  it("allows exactly the public addresses", () => {
    const allowed = CLASSES.filter(([address]) => addressRefusal(address, EMPTY_WEBHOOK_ALLOWLIST) === null).map(([a]) => a);
    expect(allowed).toEqual(CLASSES.filter(([, found]) => found === "public").map(([a]) => a));
  });

  it("says why, in words that follow 'callbackUrl resolves to'", () => {
    expect(addressRefusal("127.0.0.1", EMPTY_WEBHOOK_ALLOWLIST)).toBe("a loopback address");
    expect(addressRefusal("::ffff:127.0.0.1", EMPTY_WEBHOOK_ALLOWLIST)).toBe("a loopback address");
    expect(addressRefusal("10.0.0.1", EMPTY_WEBHOOK_ALLOWLIST)).toBe("a private address");
    expect(addressRefusal("169.254.169.254", EMPTY_WEBHOOK_ALLOWLIST)).toBe("the cloud metadata address");
    expect(addressRefusal("100.64.0.1", EMPTY_WEBHOOK_ALLOWLIST)).toBe("a carrier-grade NAT address");
    expect(addressRefusal("::", EMPTY_WEBHOOK_ALLOWLIST)).toBe("an unspecified address");
  });
});

describe("the allowlist", () => {
  it("parses host names, addresses and CIDRs, ignoring case, spaces, empty entries and a trailing dot", () => {
    const allowlist = parseWebhookAllowlist(" 127.0.0.0/8, ::1 ,LocalHost,,hooks.internal. ");
    expect([...allowlist.hosts]).toEqual(["localhost", "hooks.internal"]);
    expect(allowlist.networks.map(([network, bits]) => `${network.toString()}/${bits}`)).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(parseWebhookAllowlist("")).toEqual(EMPTY_WEBHOOK_ALLOWLIST);
  });

  it("refuses entries that are none of these, naming each", () => {
    expect(() => parseWebhookAllowlist("localhost,*.example.com,10.0.0.0/33,a b")).toThrow(
      "not a host name, IP address or CIDR: *.example.com, 10.0.0.0/33, a b",
    );
  });

  it("allows an address inside an allowlisted network, in either spelling, and nothing next to it", () => {
    const allowlist = parseWebhookAllowlist("127.0.0.0/8,10.1.0.0/16,::1");
    expect(addressRefusal("127.0.0.1", allowlist)).toBeNull();
    expect(addressRefusal("127.9.9.9", allowlist)).toBeNull();
    expect(addressRefusal("::ffff:127.0.0.1", allowlist)).toBeNull();
    expect(addressRefusal("::1", allowlist)).toBeNull();
    expect(addressRefusal("10.1.2.3", allowlist)).toBeNull();
    expect(addressRefusal("10.2.0.1", allowlist)).toBe("a private address");
    expect(addressRefusal("169.254.169.254", allowlist)).toBe("the cloud metadata address");
  });

  it("matches a single address exactly", () => {
    const allowlist = parseWebhookAllowlist("127.0.0.1,::ffff:10.0.0.7");
    expect(addressRefusal("127.0.0.1", allowlist)).toBeNull();
    expect(addressRefusal("127.0.0.2", allowlist)).toBe("a loopback address");
    expect(addressRefusal("::1", allowlist)).toBe("a loopback address");
    expect(addressRefusal("10.0.0.7", allowlist)).toBeNull();
  });

  it("matches host names exactly, not their subdomains", () => {
    const allowlist = parseWebhookAllowlist("localhost");
    expect(allowlistsHost(allowlist, "localhost")).toBe(true);
    expect(allowlistsHost(allowlist, "LOCALHOST.")).toBe(true);
    expect(allowlistsHost(allowlist, "evil.localhost")).toBe(false);
    expect(allowlistsHost(allowlist, "localhost.evil.example")).toBe(false);
    expect(allowlistsHost(EMPTY_WEBHOOK_ALLOWLIST, "localhost")).toBe(false);
  });
});
