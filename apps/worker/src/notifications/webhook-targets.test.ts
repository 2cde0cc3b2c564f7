import type { LookupAddress } from "node:dns";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseWebhookAllowlist, type HostLookup } from "@payq/shared";
import { WebhookTargetRefused, WebhookTargets, WebhookTargetUnresolvable } from "./webhook-targets.ts";

/** A real HTTP server on loopback that records each request's path, and answers with `answer`. */
async function recordingServer(answer: (res: ServerResponse) => void) {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? "");
    req.resume().on("end", () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { paths, port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Names the system resolver has never heard of, answered from a script, one answer per call. */
function scriptedDns(answers: Record<string, LookupAddress[][]>): HostLookup {
  return (hostname) => {
    const next = answers[hostname]?.shift();
    if (!next) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));
    return Promise.resolve(next);
  };
}

const LOOPBACK = [{ address: "127.0.0.1", family: 4 }];
const PUBLIC = [{ address: "93.184.216.34", family: 4 }];
const LOOPBACK_ALLOWED = parseWebhookAllowlist("127.0.0.0/8");
const NOTHING_ALLOWED = parseWebhookAllowlist("");

describe("WebhookTargets", () => {
  let sink: Awaited<ReturnType<typeof recordingServer>>;
  let secret: Awaited<ReturnType<typeof recordingServer>>;
  const opened: WebhookTargets[] = [];
  const targets = (...args: ConstructorParameters<typeof WebhookTargets>) => {
    const created = new WebhookTargets(...args);
    opened.push(created);
    return created;
  };
  const post = (url: string, via: WebhookTargets) => request(url, { method: "POST", body: "{}", dispatcher: via.dispatcher });

  beforeAll(async () => {
    secret = await recordingServer((res) => res.end("internal"));
    sink = await recordingServer((res) => {
      res.statusCode = 302;
      res.setHeader("location", `http://127.0.0.1:${secret.port}/admin`);
      res.end();
    });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.close()));
    sink.paths.length = 0;
    secret.paths.length = 0;
  });
  afterAll(async () => {
    await sink?.close();
    await secret?.close();
  });

  it("refuses an internal target before sending, permanently, saying why", async () => {
    const strict = targets({ allowlist: NOTHING_ALLOWED });
    const refusal = strict.check(`http://127.0.0.1:${sink.port}/hook`);
    await expect(refusal).rejects.toThrow(WebhookTargetRefused);
    await expect(refusal).rejects.toMatchObject({ message: "callbackUrl is a loopback address", permanent: true });
    await expect(strict.check("http://localhost/hook")).rejects.toThrow("callbackUrl resolves to a loopback address");
  });

  it("calls a host that does not resolve unresolvable, which is retried rather than dead-lettered at once", async () => {
    const check = targets({ allowlist: NOTHING_ALLOWED, lookup: scriptedDns({}) }).check("http://gone.test/hook");
    await expect(check).rejects.toThrow(WebhookTargetUnresolvable);
    await expect(check).rejects.toMatchObject({ permanent: false });
  });

  it("connects to the address its own lookup vetted, not to what the system resolver says", async () => {
    // The system resolver does not know merchant.test at all; only the vetted lookup does.
    const vetted = targets({ allowlist: LOOPBACK_ALLOWED, lookup: scriptedDns({ "merchant.test": [LOOPBACK, LOOPBACK] }) });
    await vetted.check(`http://merchant.test:${sink.port}/hook`);
    const response = await post(`http://merchant.test:${sink.port}/hook`, vetted);
    await response.body.dump();
    expect(sink.paths).toEqual(["/hook"]);
  });

  it("refuses a name rebound to loopback between the check and the connection, and sends nothing", async () => {
    const rebinding = targets({ allowlist: NOTHING_ALLOWED, lookup: scriptedDns({ "rebind.test": [PUBLIC, LOOPBACK] }) });
    const url = `http://rebind.test:${sink.port}/hook`;
    await rebinding.check(url);
    const sent = post(url, rebinding);
    await expect(sent).rejects.toThrow(WebhookTargetRefused);
    await expect(sent).rejects.toThrow("callbackUrl resolves to a loopback address");
    expect(sink.paths).toEqual([]);
  });

  it("follows no redirect: a 3xx comes back to the caller, and its Location is never fetched", async () => {
    const response = await post(`http://127.0.0.1:${sink.port}/hook`, targets({ allowlist: LOOPBACK_ALLOWED }));
    await response.body.dump();
    expect(response.statusCode).toBe(302);
    expect(sink.paths).toEqual(["/hook"]);
    expect(secret.paths).toEqual([]);
  });
});
