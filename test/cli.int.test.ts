import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey, isPasswordHash, verifyPassword } from "@payq/runtime";
import { waitFor } from "@payq/testing";
import { paymentBody } from "./support/payments-api.ts";
import { runCli } from "./support/processes.ts";
import { Stack } from "./support/stack.ts";

describe("the payq CLI", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
  });
  afterAll(async () => stack?.stop());

  it("migrate reports an up-to-date database", async () => {
    const result = await runCli(["migrate"], { DATABASE_URL: stack.db.url });
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/is up to date/);
  });

  it("reconcile exits 1 and names the payment when the bank captured what the ledger lacks", async () => {
    const id = (await stack.api.create(paymentBody(1))).body.id as string;
    await waitFor(async () => (await stack.openPayments()) === 0);
    // A capture the ledger never heard of, made straight at the bank.
    await fetch(`${stack.bankApi.baseUrl}/v1/charges`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "rogue-1" },
      body: JSON.stringify({ amount: 42, currency: "USD", source: "tok_visa", reference: "rogue-payment" }),
    });
    const result = await runCli(["reconcile"], { DATABASE_URL: stack.db.url, BANK_URL: stack.bankApi.baseUrl });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/missing in ledger\s+1: rogue-payment/);
    expect(result.stdout).toMatch(/matched\s+1/);
    expect(result.stdout).not.toContain(id);
  });

  it("hash-password prints a hash the dashboard accepts", async () => {
    const result = await runCli(["hash-password"], {}, "correct horse battery\n");
    expect(result.code).toBe(0);
    const hash = result.stdout.trim();
    expect(isPasswordHash(hash)).toBe(true);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("wrong horse battery", hash)).toBe(false);
  });

  it("hash-password refuses a short password", async () => {
    const result = await runCli(["hash-password"], {}, "short\n");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/at least 12/);
  });

  it("hash-api-key prints the hash PAYQ_API_KEYS takes for a key on stdin", async () => {
    const key = "sk_live_a_key_from_stdin_0123";
    const result = await runCli(["hash-api-key"], {}, `${key}\n`);
    expect(result).toMatchObject({ code: 0, stdout: `${hashApiKey(key)}\n` });
    expect(result.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });

  it("hash-api-key refuses a short or spaced key without echoing it", async () => {
    for (const key of ["sk_short", "sk_live with a space 0123"]) {
      const result = await runCli(["hash-api-key"], {}, `${key}\n`);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/16 to 256 printable characters without spaces/);
      expect(result.stderr).not.toContain(key);
    }
  });

  it("hash-api-key --new makes a fresh key and prints it with its hash", async () => {
    const [one, two] = await Promise.all([runCli(["hash-api-key", "--new"], {}), runCli(["hash-api-key", "--new"], {})]);
    const parse = (stdout: string) => /^key {3}(sk_live_[A-Za-z0-9_-]{43})\nhash {2}(sha256:[0-9a-f]{64})\n$/.exec(stdout);
    const [, key, hash] = parse(one.stdout) ?? [];
    expect(key && hash).toBeTruthy();
    expect(hash).toBe(hashApiKey(key!));
    expect(parse(two.stdout)?.[1]).not.toBe(key);
  });

  it("explains itself when called wrong", async () => {
    const result = await runCli(["frobnicate"], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: pnpm payq <command>/);
  });
});

describe("pnpm payq dlq", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ faults: { failureRate: 1 }, env: { RETRY_MAX_ATTEMPTS: "1", BREAKER_ENABLED: "false" } });
  });
  afterAll(async () => stack?.stop());

  it("lists, dry-runs and replays dead letters by filter, with an audit row", async () => {
    const ids = await Promise.all([1, 2, 3].map(async (i) => (await stack.api.create(paymentBody(i))).body.id as string));
    for (const id of ids) await stack.becomes(id, "dead_lettered");
    await stack.bankApi.heal();
    const env = { DATABASE_URL: stack.db.url, REDIS_URL: stack.env.REDIS_URL!, QUEUE_PREFIX: stack.prefix };

    const list = await runCli(["dlq", "list", "--class", "transient"], env);
    expect(list.code).toBe(0);
    for (const id of ids) expect(list.stdout).toContain(id);
    expect((await runCli(["dlq", "replay", "--class", "transient", "--dry-run"], env)).stdout).toMatch(/^3 dead letters would be replayed/m);

    const replay = await runCli(["dlq", "replay", "--class", "transient", "--rate", "50", "--actor", "ops-script"], env);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/completed: replayed 3, skipped 0, failed 0/);
    for (const id of ids) await stack.becomes(id, "succeeded");
    const { rows } = await stack.db.pool.query("SELECT actor, action, count, outcome FROM audit_log");
    expect(rows).toEqual([{ actor: "ops-script", action: "dlq.replay", count: 3, outcome: "completed" }]);
  });
});
