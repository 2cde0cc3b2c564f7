import { parseArgs } from "node:util";
import { z } from "zod";
import { parseEnv } from "@payq/runtime";
import { createPool, ledgerCaptures, ledgerSums, reconcile, type StatementEntry } from "@payq/shared";
import { commandDatabaseUrl } from "../database-choice.ts";
import { say } from "../output.ts";

const SHOWN_IDS = 20;

/**
 * `payq reconcile [--json]`: compares the ledger with the bank's statement. Exits 1 when they differ,
 * so it can gate a script or an alert.
 */
export async function reconcileCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } } });
  const env = parseEnv(z.object({ BANK_URL: z.url().default("http://127.0.0.1:4010") }));
  const pool = createPool({ connectionString: await commandDatabaseUrl(), max: 2, applicationName: "payq-reconcile" });
  try {
    const response = await fetch(new URL("/v1/statement", env.BANK_URL));
    if (!response.ok) throw new Error(`the bank's statement is unavailable (${response.status})`);
    const { captures } = (await response.json()) as { captures: StatementEntry[] };
    const report = reconcile(await ledgerCaptures(pool), captures, await ledgerSums(pool));
    if (values.json) {
      say(JSON.stringify(report, null, 2));
    } else {
      say(`matched             ${report.matched}`);
      for (const [label, ids] of [
        ["missing in ledger", report.missingInLedger],
        ["missing at bank", report.missingAtBank],
        ["mismatched", report.mismatched.map((m) => `${m.paymentId} (${m.problem}: ledger ${m.ledger}, bank ${m.bank})`)],
        ["unbalanced", report.unbalancedCurrencies],
      ] as const) {
        say(`${label.padEnd(20)}${ids.length}${ids.length ? `: ${ids.slice(0, SHOWN_IDS).join(", ")}${ids.length > SHOWN_IDS ? ", …" : ""}` : ""}`);
      }
      say(`differences         ${report.differences}`);
    }
    return report.differences === 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}
