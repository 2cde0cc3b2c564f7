import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Which IP addresses may receive a merchant's webhook. The worker POSTs wherever a merchant asks, so an
 * unchecked callbackUrl would let any merchant make requests from inside our network (SSRF): to the
 * cloud metadata service, to Redis or Postgres, to admin ports on loopback. Only public unicast
 * addresses are allowed, unless the operator allowlists a host or network (development and tests,
 * whose webhook sink is on loopback).
 */

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "unspecified"
  | "carrier-grade-nat"
  | "multicast"
  | "broadcast"
  | "ipv6-transition"
  | "reserved";

/** Worded to follow "callbackUrl is …" or "callbackUrl resolves to …". */
const DESCRIPTIONS: Record<Exclude<AddressClass, "public">, string> = {
  loopback: "a loopback address",
  private: "a private address",
  "link-local": "a link-local address",
  metadata: "the cloud metadata address",
  unspecified: "an unspecified address",
  "carrier-grade-nat": "a carrier-grade NAT address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  "ipv6-transition": "an IPv6 transition address (NAT64, 6to4 or Teredo) that can reach IPv4 space",
  reserved: "a reserved address",
};

/** ipaddr.js range names; any range not named here (benchmarking, documentation, AS112…) is reserved. */
const RANGE_CLASSES: Record<string, AddressClass> = {
  unicast: "public",
  loopback: "loopback",
  private: "private",
  uniqueLocal: "private",
  // Site-local (fec0::/10) was IPv6's first private range; deprecated, but a stack may still route it.
  deprecatedSiteLocal: "private",
  linkLocal: "link-local",
  unspecified: "unspecified",
  carrierGradeNat: "carrier-grade-nat",
  multicast: "multicast",
  broadcast: "broadcast",
  rfc6052: "ipv6-transition",
  rfc6145: "ipv6-transition",
  "6to4": "ipv6-transition",
  teredo: "ipv6-transition",
};

const METADATA_ADDRESS = ipaddr.parse("169.254.169.254");
/** IANA's global unicast block: IPv6 outside it that ipaddr.js calls unicast (::a.b.c.d and the like) is not routable. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/** The class of an IP address; IPv4-mapped IPv6 (::ffff:127.0.0.1) is classed as the IPv4 address it maps. */
export function classifyAddress(address: string): AddressClass {
  const parsed = parseAddress(address);
  if (parsed.kind() === "ipv4" && parsed.match(METADATA_ADDRESS, 32)) return "metadata";
  const found = RANGE_CLASSES[parsed.range()] ?? "reserved";
  if (found === "public" && parsed.kind() === "ipv6" && !parsed.match(GLOBAL_UNICAST_V6)) return "reserved";
  return found;
}

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Hosts and networks that may receive webhooks whatever their class. Empty in production. */
export interface WebhookAllowlist {
  /** Exact host names, lower case: trusted whatever they resolve to. */
  readonly hosts: ReadonlySet<string>;
  readonly networks: readonly Network[];
}

export const EMPTY_WEBHOOK_ALLOWLIST: WebhookAllowlist = { hosts: new Set(), networks: [] };

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Parses a comma-separated allowlist of host names, IP addresses and CIDRs, e.g.
 * `127.0.0.0/8,::1,localhost`. Throws naming every entry that is none of these.
 */
export function parseWebhookAllowlist(text: string): WebhookAllowlist {
  const hosts = new Set<string>();
  const networks: Network[] = [];
  const invalid: string[] = [];
  for (const entry of text.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean)) {
    if (entry.includes("/")) {
      if (ipaddr.isValidCIDR(entry)) networks.push(ipaddr.parseCIDR(entry));
      else invalid.push(entry);
    } else if (isIP(entry)) {
      const address = ipaddr.process(entry);
      networks.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else if (HOST_NAME.test(hostName(entry))) {
      hosts.add(hostName(entry));
    } else {
      invalid.push(entry);
    }
  }
  if (invalid.length > 0) throw new Error(`not a host name, IP address or CIDR: ${invalid.join(", ")}`);
  return { hosts, networks };
}

/** Whether the host name itself is allowlisted (a URL's hostname; a trailing dot is ignored). */
export function allowlistsHost(allowlist: WebhookAllowlist, hostname: string): boolean {
  return allowlist.hosts.has(hostName(hostname.toLowerCase()));
}

/** Why `address` may not receive webhooks (e.g. "a loopback address"), or null when it may. */
export function addressRefusal(address: string, allowlist: WebhookAllowlist): string | null {
  const found = classifyAddress(address);
  if (found === "public") return null;
  const parsed = parseAddress(address);
  const allowed = allowlist.networks.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits));
  return allowed ? null : DESCRIPTIONS[found];
}

/** Parses an IP address, unwrapping IPv4-mapped IPv6 so one rule covers both spellings. */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  // isIP is strict; ipaddr.js alone would also take "127.1" or "0x7f000001" as addresses.
  if (!isIP(address)) throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
  return ipaddr.process(address);
}

const hostName = (name: string) => (name.endsWith(".") ? name.slice(0, -1) : name);
