import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DEV_API_KEY, DEV_WEBHOOK_ALLOWED_HOSTS, parseEnv } from "@payq/runtime";
import { complain, say } from "../output.ts";

/** Flaky enough that retries and dead letters show up on the dashboard within a minute. */
const FLAKY_BANK = { failureRate: 0.3, ambiguousRate: 0.05, rateLimitRate: 0.02, latencyMs: 40, latencyJitterMs: 60 };
const CURRENCIES = ["USD", "EUR", "GBP"];

function pickSource(): string {
  const roll = Math.random();
  if (roll < 0.03) return "tok_decline";
  if (roll < 0.05) return "tok_invalid_account";
  return "tok_visa";
}

/**
 * `payq demo [--rate N] [--count N] [--calm]`: a steady stream of payments through a flaky bank, so
 * retries, declines and dead letters appear on the dashboard. Runs until Ctrl-C, or `--count` payments.
 */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: "string", default: "5" },
      count: { type: "string", default: "0" },
      calm: { type: "boolean", default: false },
    },
  });
  const env = parseEnv(
    z.object({
      PRODUCER_URL: z.url().default("http://127.0.0.1:3000"),
      BANK_URL: z.url().default("http://127.0.0.1:4010"),
      /** The key to send: the producer is configured with hashes only, so the demo cannot read it from there. */
      PAYQ_API_KEY: z.string().default(DEV_API_KEY.key),
    }),
  );
  const apiKey = env.PAYQ_API_KEY;
  const rate = Math.max(1, Number(values.rate));
  const limit = Number(values.count);

  const faults = await fetch(new URL("/v1/faults", env.BANK_URL), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(values.calm ? { failureRate: 0, ambiguousRate: 0, rateLimitRate: 0 } : FLAKY_BANK),
  });
  if (!faults.ok) throw new Error(`bank-sim at ${env.BANK_URL} refused the fault settings (${faults.status})`);
  say(`sending ${rate} payments/s to ${env.PRODUCER_URL}${values.calm ? "" : " through a flaky bank"}; Ctrl-C to stop`);

  const counts = { sent: 0, accepted: 0, refused: 0 };
  const explain = explainRefusal();
  let stop = false;
  process.once("SIGINT", () => (stop = true));
  const report = setInterval(() => say(`sent ${counts.sent}, accepted ${counts.accepted}, refused ${counts.refused}`), 5_000);
  while (!stop && (limit === 0 || counts.sent < limit)) {
    counts.sent += 1;
    void fetch(new URL("/v1/payments", env.PRODUCER_URL), {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "idempotency-key": randomUUID() },
      body: JSON.stringify({
        amount: 100 + Math.floor(Math.random() * 50_000),
        currency: CURRENCIES[counts.sent % CURRENCIES.length],
        source: pickSource(),
        description: `demo order ${counts.sent}`,
        callbackUrl: new URL("/webhooks/demo", env.BANK_URL).toString(),
      }),
    }).then(
      (response) => {
        if (response.status === 202) {
          counts.accepted += 1;
        } else {
          counts.refused += 1;
          void explain(response);
        }
      },
      () => (counts.refused += 1),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000 / rate));
  }
  clearInterval(report);
  say(`done: sent ${counts.sent}, accepted ${counts.accepted}, refused ${counts.refused}`);
  return 0;
}

/**
 * The demo's webhooks go to bank-sim's sink on loopback, which a producer started without the
 * development allowlist refuses: say so once, rather than only counting refusals.
 */
function explainRefusal(): (response: Response) => Promise<void> {
  let told = false;
  return async (response) => {
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    if (told || body?.error?.code !== "callback_url_refused") return;
    told = true;
    complain(
      `the producer refuses the demo's webhook URL (${body.error.message}): start payq with \`pnpm start\`, ` +
        `or give the producer and worker WEBHOOK_ALLOWED_HOSTS=${DEV_WEBHOOK_ALLOWED_HOSTS}`,
    );
  };
}
