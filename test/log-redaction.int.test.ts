import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey, hashPassword } from "@payq/runtime";
import { freePort, killSpawnedApps, spawnApp, waitFor, type AppName, type AppProcess } from "@payq/testing";
import { DashboardClient } from "./support/dashboard-client.ts";
import { PaymentsApi } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

const hex = () => randomBytes(12).toString("hex");

/** Everything that must never reach a log line, whatever the level. */
const SECRETS = {
  apiKey: `sk_live_${hex()}`,
  unknownKey: `sk_live_${hex()}`,
  webhookSecret: `whsec_${hex()}`,
  sessionSecret: `session-secret-${hex()}`,
  password: `pw-${hex()}`,
  wrongPassword: `pw-wrong-${hex()}`,
  databasePassword: `dbpw-${hex()}`,
  card: "4242424242424242",
  spacedCard: "4242 4242 4242 4242",
};

/**
 * Every app in a process of its own at LOG_LEVEL=trace, as in production but with nothing hidden behind
 * the level, fed requests that carry keys, passwords, secrets and card numbers in every place a client
 * or an operator might put them. Not one of them may appear in what the processes write.
 */
describe("logs at trace level, across every app", () => {
  let stack: Stack;
  const apps = new Map<AppName, { process: AppProcess; port: number }>();
  /** Credentials that exist only once the run is under way: the session cookie and CSRF token. */
  const issued: string[] = [];

  beforeAll(async () => {
    // The stack gives this test a database, a queue prefix and cleanup; the apps under test are spawned.
    stack = await Stack.start({ worker: false });
    const databaseUrl = new URL(stack.env.DATABASE_URL!);
    // Postgres here trusts local connections, so the password is never checked, only carried.
    databaseUrl.password = SECRETS.databasePassword;
    const ports = { bank: await freePort(), producer: await freePort(), worker: await freePort(), dashboard: await freePort() };
    const env = {
      ...stack.env,
      LOG_LEVEL: "trace",
      DATABASE_URL: databaseUrl.toString(),
      BANK_URL: `http://127.0.0.1:${ports.bank}`,
      PAYQ_API_KEYS: `merchant_logs:${hashApiKey(SECRETS.apiKey)}`,
      PAYQ_WEBHOOK_SECRET: SECRETS.webhookSecret,
      WEBHOOK_ALLOWED_HOSTS: "127.0.0.0/8",
      SESSION_SECRET: SECRETS.sessionSecret,
      PAYQ_DASHBOARD_USERS: `ops:operator:${await hashPassword(SECRETS.password)}`,
    };
    const start = (app: AppName, portVariable: string, port: number) =>
      apps.set(app, { process: spawnApp(app, { ...env, [portVariable]: String(port) }), port });
    start("bank-sim", "BANK_SIM_PORT", ports.bank);
    start("producer", "PRODUCER_PORT", ports.producer);
    start("worker", "WORKER_PORT", ports.worker);
    start("dashboard", "DASHBOARD_PORT", ports.dashboard);
    for (const [name, app] of apps) {
      await waitFor(() => fetch(`http://127.0.0.1:${app.port}/healthz`).then((r) => r.ok, () => false), {
        timeoutMs: 45_000,
        message: `${name} never became healthy:\n${app.process.output()}`,
      });
    }
  }, 90_000);

  afterAll(async () => {
    killSpawnedApps();
    await stack?.stop();
  });

  const url = (app: AppName, path: string) => `http://127.0.0.1:${apps.get(app)!.port}${path}`;

  async function merchantTraffic(): Promise<void> {
    const api = new PaymentsApi(url("producer", ""), SECRETS.apiKey);
    const sensitive = {
      description: `order paid with card ${SECRETS.card}`,
      metadata: { note: SECRETS.spacedCard, webhookSecret: SECRETS.webhookSecret },
      callbackUrl: url("bank-sim", "/webhooks/merchant"),
    };
    const paid = await api.create({ amount: 1_200, currency: "USD", source: "tok_visa", ...sensitive });
    expect(paid.status).toBe(202);
    const refused = await api.create({ amount: 1_300, currency: "USD", source: "tok_invalid_account", ...sensitive });
    expect(refused.status).toBe(202);
    await stack.becomes(paid.body.id as string, "succeeded");
    await stack.becomes(refused.body.id as string, "dead_lettered");
    expect((await api.get(paid.body.id as string)).status).toBe(200);

    // What a careless or hostile client sends: a card number as the source, in a body that is not
    // JSON, a key that is not configured, a key in the query string.
    expect((await api.create({ amount: 1_400, currency: "USD", source: SECRETS.card })).status).toBe(400);
    const json = { authorization: `Bearer ${SECRETS.apiKey}`, "content-type": "application/json", "idempotency-key": hex() };
    expect((await api.raw("POST", "/v1/payments", { headers: json, body: `{"source": "${SECRETS.card}",` })).status).toBe(400);
    expect((await new PaymentsApi(url("producer", ""), SECRETS.unknownKey).list()).status).toBe(401);
    expect((await api.raw("GET", `/v1/payments?api_key=${SECRETS.apiKey}`, { headers: { authorization: `Bearer ${SECRETS.apiKey}` } })).status).toBe(400);

    await waitFor(async () => {
      const { deliveries } = (await (await fetch(url("bank-sim", "/v1/webhooks"))).json()) as { deliveries: { verified: boolean | null }[] };
      return deliveries.length >= 1 && deliveries.every((d) => d.verified === true);
    }, { timeoutMs: 20_000, message: "the webhooks were never delivered and verified" });
  }

  async function operatorTraffic(): Promise<void> {
    const failed = await fetch(url("dashboard", "/login"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "ops", password: SECRETS.wrongPassword }),
    });
    expect(failed.status).toBe(401);
    const ops = await DashboardClient.login(url("dashboard", ""), "ops", SECRETS.password);
    const { cookie, csrfToken: csrf } = ops;
    issued.push(cookie.slice("payq.sid=".length));
    expect(csrf).not.toBe("");
    issued.push(csrf);
    const { items } = (await ops.get("/api/dead-letters")).body as { items: { paymentId: string }[] };
    expect(items).toHaveLength(1);
    for (const path of ["/", "/dead-letters", `/dead-letters/${items[0]!.paymentId}`, "/queues/api/queues?activeQueue=payments-dead-letter&status=waiting"]) {
      expect((await ops.get(path)).status).toBe(200);
    }
    const forged = await fetch(url("dashboard", "/api/dead-letters/replay"), {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "x-csrf-token": `${csrf}x` },
      body: JSON.stringify({ ids: [items[0]!.paymentId] }),
    });
    expect(forged.status).toBe(403);
  }

  it("holds no key, password, secret, session or card number in any app's output", async () => {
    await merchantTraffic();
    await operatorTraffic();
    for (const app of apps.values()) app.process.child.kill("SIGTERM");
    await Promise.all([...apps.values()].map((app) => app.process.exited));

    const outputs = new Map([...apps].map(([name, app]) => [name, app.process.output()]));
    // The capture works and the level is really trace: each app logged, the producer its debug lines.
    for (const [name, output] of outputs) expect(output, name).toMatch(/"msg":"(stopped|shutting down)"/);
    expect(outputs.get("producer")).toMatch(/"level":20,/);
    expect(outputs.get("producer")).toMatch(/"statusCode":401/);
    expect(outputs.get("worker")).toMatch(/"msg":"payment dead-lettered"/);
    expect(outputs.get("dashboard")).toMatch(/"msg":"dashboard login refused"/);
    expect(outputs.get("dashboard")).toMatch(/"msg":"dashboard login"/);

    const leaks = [...outputs].flatMap(([name, output]) =>
      [...Object.entries(SECRETS), ...issued.map((value, i) => [`issued ${i}`, value] as const)]
        .filter(([, secret]) => output.includes(secret))
        .map(([what, secret]) => `${name} wrote ${what}: …${output.slice(Math.max(0, output.indexOf(secret) - 200), output.indexOf(secret) + 60)}`),
    );
    expect(leaks).toEqual([]);
  }, 120_000);
});
