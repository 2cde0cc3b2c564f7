import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetBreakers, DEFAULT_BREAKER_OPTIONS, type HostLookup } from "@payq/shared";
import { waitFor } from "@payq/testing";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

/**
 * A merchant's host stops resolving after its payments were accepted. That is the host failing, like one
 * that refuses connections: its fleet breaker must count it and hold the webhooks, rather than each one
 * using up its attempts and landing in the dead-letter queue.
 */
describe("a webhook host whose DNS goes away", () => {
  let stack: Stack;
  // The worker's resolver has lost the name the producer resolved when it accepted the payments.
  const lookup: HostLookup = (hostname) => Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));

  beforeAll(async () => {
    stack = await Stack.start({
      worker: false,
      env: { NOTIFY_MAX_ATTEMPTS: "3", BREAKER_CONSECUTIVE_FAILURES: "3", BREAKER_MIN_CALLS: "1000", BREAKER_OPEN_MS: "60000" },
    });
    await stack.startWorker({}, { webhookLookup: lookup });
  });
  afterAll(async () => stack?.stop());

  it("opens the host's breaker and holds its webhooks, using no attempts and dead-lettering none", async () => {
    const host = `localhost:${stack.bank.port}`;
    const callbackUrl = `http://${host}/webhooks/dns`;
    const ids = await Promise.all([2, 3, 4, 5, 6, 7].map(async (i) => (await stack.api.create(paymentBody(i, { callbackUrl }))).body.id as string));
    const breakers = new FleetBreakers(stack.redis, stack.prefix, { breaker: DEFAULT_BREAKER_OPTIONS, budget: null, storeFailureMode: "open" });
    await waitFor(async () => (await breakers.snapshot(`webhook:${host}`)).kind === "open", {
      timeoutMs: 20_000,
      message: "the host's breaker never opened",
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(await stack.queues.notificationsDeadLetter.count()).toBe(0);
    const { rows } = await stack.db.pool.query<{ notification_status: string }>(
      "SELECT DISTINCT notification_status FROM payments WHERE id = ANY($1::uuid[])",
      [ids],
    );
    expect(rows).toEqual([{ notification_status: "pending" }]);
    // Held, not spent: every webhook still has attempts left, waiting as a delayed job.
    const jobs = await Promise.all(ids.map((id) => stack.queues.notifications.getJob(id)));
    expect(jobs.every((job) => job !== undefined && job.attemptsMade < 3)).toBe(true);
    expect(await stack.bankApi.deliveries()).toEqual([]);
    for (const id of ids) expect(await stack.statusOf(id)).toBe("succeeded");
  });
});
