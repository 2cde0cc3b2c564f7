import type { LookupAddress } from "node:dns";
import { lookup as systemLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { addressRefusal, allowlistsHost, type WebhookAllowlist } from "./callback-target.ts";

/** Resolves a host name to every address it has: node:dns/promises `lookup`, or a stand-in in tests. */
export type HostLookup = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

export interface CallbackTargetPolicy {
  allowlist: WebhookAllowlist;
  /** @default node:dns/promises lookup: the system resolver, /etc/hosts included, as a connection would use */
  lookup?: HostLookup;
  /** A name not resolved by then counts as unresolvable, so a slow resolver cannot hold a request. @default 5000 */
  lookupTimeoutMs?: number;
}

export type CallbackTargetVerdict =
  | { ok: true; addresses: LookupAddress[] }
  | { ok: false; code: "callback_url_refused" | "callback_url_unresolvable"; reason: string };

const DEFAULT_LOOKUP_TIMEOUT_MS = 5_000;

/** Vets where a callbackUrl would send a webhook; see `vetHost`. */
export async function vetCallbackUrl(url: string, policy: CallbackTargetPolicy): Promise<CallbackTargetVerdict> {
  const hostname = hostnameOf(url);
  if (hostname === null) return refused("callbackUrl is not an http(s) URL");
  return vetHost(hostname, policy);
}

/**
 * Resolves a host name and vets every address it has: one refused address refuses the host, because
 * a connection may go to any of them (and a rebinding attacker controls which). An IP literal is vetted
 * as it is, without DNS. On success, the addresses are the only ones a connection may then use.
 */
export async function vetHost(hostname: string, policy: CallbackTargetPolicy): Promise<CallbackTargetVerdict> {
  const family = isIP(hostname);
  if (family !== 0) {
    const refusal = addressRefusal(hostname, policy.allowlist);
    return refusal ? refused(`callbackUrl is ${refusal}`) : { ok: true, addresses: [{ address: hostname, family }] };
  }
  const addresses = await resolve(hostname, policy);
  if (addresses === null) {
    return { ok: false, code: "callback_url_unresolvable", reason: "callbackUrl's host name could not be resolved" };
  }
  if (allowlistsHost(policy.allowlist, hostname)) return { ok: true, addresses };
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, policy.allowlist);
    if (refusal) return refused(`callbackUrl resolves to ${refusal}`);
  }
  return { ok: true, addresses };
}

function refused(reason: string): CallbackTargetVerdict {
  return { ok: false, code: "callback_url_refused", reason };
}

/** The URL's host as DNS and net.connect take it (IPv6 without brackets), or null if not http(s). */
function hostnameOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  return parsed.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** Every address of `hostname`, or null if it has none, the lookup failed, or it took too long. */
async function resolve(hostname: string, policy: CallbackTargetPolicy): Promise<LookupAddress[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<null>((settle) => {
    timer = setTimeout(() => settle(null), policy.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS);
  });
  try {
    const lookup: HostLookup = policy.lookup ?? systemLookup;
    const found = await Promise.race([lookup(hostname, { all: true }).catch(() => null), expired]);
    return found && found.length > 0 ? found : null;
  } finally {
    clearTimeout(timer);
  }
}
