import type { LookupAddress, LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent } from "undici";
import { vetCallbackUrl, vetHost, type CallbackTargetPolicy, type CallbackTargetVerdict } from "@payq/shared";

/**
 * A callbackUrl that may not receive webhooks: loopback, private, metadata… Permanent, because asking
 * again would only send the same request at the same place; the notification is dead-lettered at once.
 */
export class WebhookTargetRefused extends Error {
  override readonly name = "WebhookTargetRefused";
  readonly code = "callback_url_refused";
  readonly permanent = true;
}

/** A callbackUrl whose host did not resolve: DNS may be back later, so it is retried like a refused connection. */
export class WebhookTargetUnresolvable extends Error {
  override readonly name = "WebhookTargetUnresolvable";
  readonly code = "callback_url_unresolvable";
  readonly permanent = false;
}

/**
 * Where webhooks may go, checked at delivery time: the accept-time check is not enough, because a name
 * can resolve elsewhere by now (DNS rebinding).
 */
export class WebhookTargets {
  /**
   * Connects only to addresses it vetted while connecting (see `vettedLookup`). It follows no
   * redirect: undici's `request` follows one only through the redirect interceptor, not composed here,
   * so a 3xx is answered to us, and counted a permanent failure, never obeyed.
   */
  readonly dispatcher: Agent;

  constructor(private readonly policy: CallbackTargetPolicy) {
    this.dispatcher = new Agent({ connect: { lookup: vettedLookup(policy) } });
  }

  /** Throws `WebhookTargetRefused` or `WebhookTargetUnresolvable` unless `url` may receive a webhook now. */
  async check(url: string): Promise<void> {
    const verdict = await vetCallbackUrl(url, this.policy);
    if (!verdict.ok) throw verdictError(verdict);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/**
 * A `lookup` for net.connect that resolves and vets in one step and hands the socket only the vetted
 * addresses, so the addresses checked are the addresses connected to: a name that rebinds to 127.0.0.1
 * after `check` passed is refused here. (net.connect skips `lookup` for IP literals; `check` covers those.)
 */
function vettedLookup(policy: CallbackTargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    void vetHost(hostname, policy).then(
      (verdict) => {
        if (!verdict.ok) return callback(verdictError(verdict), "");
        const addresses = verdict.addresses.filter((found) => hasFamily(found, options));
        if (options.all) return callback(null, addresses);
        const [first] = addresses;
        if (!first) return callback(new WebhookTargetUnresolvable(`callbackUrl's host has no IPv${options.family} address`), "");
        callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ""),
    );
  };
}

function verdictError(verdict: Extract<CallbackTargetVerdict, { ok: false }>): Error {
  return verdict.code === "callback_url_refused"
    ? new WebhookTargetRefused(verdict.reason)
    : new WebhookTargetUnresolvable(verdict.reason);
}

function hasFamily(found: LookupAddress, options: LookupOptions): boolean {
  const wanted = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : (options.family ?? 0);
  return wanted === 0 || found.family === wanted;
}
