import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canTransition, PAYMENT_STATUSES, withTransaction, type PaymentStatus } from "@payq/shared";
import { createTestDatabase, type TestDatabase } from "@payq/testing";

/** A payment row in each status, consistent with every CHECK constraint. */
const ROW_IN: Record<PaymentStatus, string> = {
  accepted: "'accepted', 'started', NULL, NULL, NULL",
  succeeded: "'succeeded', 'ledger_posted', 'ch_1', NULL, now()",
  declined: "'declined', 'started', NULL, 'card_declined', now()",
  dead_lettered: "'dead_lettered', 'charge_captured', 'ch_1', NULL, now()",
};

/** The columns a move to each status sets, so only the lifecycle itself can refuse it. */
const MOVE_TO: Record<PaymentStatus, string> = {
  accepted: "status = 'accepted', settled_at = NULL",
  succeeded: "status = 'succeeded', recovery_point = 'ledger_posted', charge_id = coalesce(charge_id, 'ch_1'), settled_at = now()",
  declined: "status = 'declined', decline_code = 'card_declined', settled_at = now()",
  dead_lettered: "status = 'dead_lettered', settled_at = now()",
};

describe("the schema refuses bad money states", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  async function insertPayment(status: PaymentStatus = "accepted"): Promise<string> {
    const id = randomUUID();
    await db.pool.query(
      `INSERT INTO payments (id, merchant_id, amount, currency, source, status, recovery_point, charge_id, decline_code, settled_at)
       VALUES ($1, 'm', 100, 'USD', 'tok_visa', ${ROW_IN[status]})`,
      [id],
    );
    return id;
  }

  const refused = async (promise: Promise<unknown>) => {
    const error = (await promise.then(() => null, (e: unknown) => e)) as { code?: string } | null;
    expect(error?.code).toMatch(/^23/);
  };

  const pairs = PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));
  it.each(pairs)("status %s → %s is allowed exactly when the domain allows it", async (from, to) => {
    const id = await insertPayment(from);
    const update = db.pool.query(`UPDATE payments SET ${MOVE_TO[to]} WHERE id = $1`, [id]);
    if (canTransition(from, to)) await expect(update).resolves.toMatchObject({ rowCount: 1 });
    else await refused(update);
  });

  it("refuses non-positive amounts, malformed currencies and unknown statuses", async () => {
    const insert = (amount: number, currency: string, status = "accepted") =>
      db.pool.query(
        "INSERT INTO payments (id, merchant_id, amount, currency, source, status) VALUES ($1, 'm', $2, $3, 'tok_visa', $4)",
        [randomUUID(), amount, currency, status],
      );
    await refused(insert(0, "USD"));
    await refused(insert(-1, "USD"));
    await refused(insert(1, "usd"));
    await refused(insert(1, "USD", "refunded"));
  });

  it("never moves a recovery point back, nor swaps a recorded charge", async () => {
    const id = await insertPayment();
    await db.pool.query("UPDATE payments SET recovery_point = 'charge_captured', charge_id = 'ch_a' WHERE id = $1", [id]);
    await refused(db.pool.query("UPDATE payments SET recovery_point = 'started' WHERE id = $1", [id]));
    await refused(db.pool.query("UPDATE payments SET charge_id = 'ch_b' WHERE id = $1", [id]));
  });

  it("refuses success without a posted ledger, and a captured decline", async () => {
    const id = await insertPayment();
    await refused(db.pool.query("UPDATE payments SET status = 'succeeded', settled_at = now() WHERE id = $1", [id]));
    await db.pool.query("UPDATE payments SET recovery_point = 'charge_captured', charge_id = 'ch_c' WHERE id = $1", [id]);
    await refused(db.pool.query("UPDATE payments SET status = 'declined', decline_code = 'x', settled_at = now() WHERE id = $1", [id]));
  });

  it("refuses ledger entries that do not balance, a leg posted twice, and any edit", async () => {
    const id = await insertPayment();
    const post = (entries: [string, number][]) =>
      withTransaction(db.pool, async (client) => {
        for (const [leg, amount] of entries) {
          await client.query(
            "INSERT INTO ledger_entries (payment_id, leg, account, currency, amount) VALUES ($1, $2, $2, 'USD', $3)",
            [id, leg, amount],
          );
        }
      });
    await refused(post([["bank_clearing", 100]]));
    await refused(post([["bank_clearing", 100], ["merchant_payable", -99]]));
    await post([["bank_clearing", 100], ["merchant_payable", -100]]);
    await refused(post([["bank_clearing", 100], ["merchant_payable", -100]]));
    await refused(db.pool.query("UPDATE ledger_entries SET amount = 1 WHERE payment_id = $1", [id]));
    await refused(db.pool.query("DELETE FROM ledger_entries WHERE payment_id = $1", [id]));
    const { rows } = await db.pool.query("SELECT sum(amount)::int AS total, count(*)::int AS n FROM ledger_entries WHERE payment_id = $1", [id]);
    expect(rows[0]).toEqual({ total: 0, n: 2 });
  });
});
