import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPayments, PaymentBatches, recordCapture, settleCapturedMany, type Payment } from "@payq/shared";
import { createTestDatabase, type TestDatabase } from "@payq/testing";
import { ledgerShape } from "./support/ledger.ts";

/**
 * The worker's batched settle on a real database: every payment in a batch keeps the guard its single
 * form had, and one payment the database refuses does not take its neighbours down with it.
 */
describe("settling captures in batches", () => {
  let db: TestDatabase;
  const attempt = () => ({ run: 0, attempt: 1, startedAt: new Date() });
  const open = async (count: number): Promise<Payment[]> => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await db.pool.query(
      "INSERT INTO payments (id, merchant_id, amount, currency, source) SELECT id, 'merchant_a', 1250, 'EUR', 'tok_visa' FROM unnest($1::uuid[]) AS id",
      [ids],
    );
    return (await findPayments(db.pool, ids)) as Payment[];
  };
  const statuses = async (payments: Payment[]) =>
    (await findPayments(db.pool, payments.map((p) => p.id))).map((p) => [p?.status, p?.recoveryPoint, p?.chargeId]);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("settles each open payment once, and leaves settled ones and ones with another charge alone", async () => {
    const [fresh, settled, otherCharge, twice] = await open(4);
    expect(await settleCapturedMany(db.pool, [{ payment: settled!, chargeId: "ch_settled", attempt: attempt() }])).toEqual([true]);
    await recordCapture(db.pool, otherCharge!.id, "ch_first");

    const store = new PaymentBatches(db.pool, { maxBatch: 10, maxInFlight: 1 });
    const results = await Promise.all([
      store.settleCaptured({ payment: fresh!, chargeId: "ch_fresh", attempt: attempt() }),
      store.settleCaptured({ payment: settled!, chargeId: "ch_settled", attempt: attempt() }),
      store.settleCaptured({ payment: otherCharge!, chargeId: "ch_second", attempt: attempt() }),
      store.settleCaptured({ payment: twice!, chargeId: "ch_twice", attempt: attempt() }),
      store.settleCaptured({ payment: twice!, chargeId: "ch_twice", attempt: attempt() }),
    ]);
    expect(results.slice(0, 3)).toEqual([true, false, false]);
    expect(results.slice(3).sort()).toEqual([false, true]);
    expect(await statuses([fresh!, settled!, otherCharge!, twice!])).toEqual([
      ["succeeded", "ledger_posted", "ch_fresh"],
      ["succeeded", "ledger_posted", "ch_settled"],
      ["accepted", "charge_captured", "ch_first"],
      ["succeeded", "ledger_posted", "ch_twice"],
    ]);
    expect(await ledgerShape(db.pool)).toEqual({ payments: 3, badEntryCount: 0, unbalanced: 0 });
  });

  it("fails only the payment the database refuses; the rest of its batch settles", async () => {
    const [good, refused, alsoGood] = await open(3);
    await db.pool.query(`
      CREATE FUNCTION test_refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.payment_id = '${refused!.id}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER test_refuse_one BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION test_refuse_one();`);
    try {
      const store = new PaymentBatches(db.pool, { maxBatch: 10, maxInFlight: 1 });
      const results = await Promise.all(
        [good!, refused!, alsoGood!].map((payment) =>
          store.settleCaptured({ payment, chargeId: `ch_${payment.id}`, attempt: attempt() }).catch((error: Error) => error.message),
        ),
      );
      expect(results).toEqual([true, "refused for the test", true]);
      expect((await statuses([good!, refused!, alsoGood!])).map(([status]) => status)).toEqual(["succeeded", "accepted", "succeeded"]);
      const attempts = await db.pool.query<{ payment_id: string }>("SELECT payment_id FROM payment_attempts WHERE payment_id = ANY($1::uuid[])", [
        [good!.id, refused!.id, alsoGood!.id],
      ]);
      expect(attempts.rows.map((row) => row.payment_id).sort()).toEqual([good!.id, alsoGood!.id].sort());
      expect(await ledgerShape(db.pool)).toMatchObject({ badEntryCount: 0, unbalanced: 0 });
    } finally {
      await db.pool.query("DROP TRIGGER test_refuse_one ON ledger_entries; DROP FUNCTION test_refuse_one()");
    }
  });
});
