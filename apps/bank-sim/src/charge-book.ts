import { createHash, randomBytes } from "node:crypto";
import type { Charge, ChargeRequest, StatementEntry } from "@payq/shared";

/** Sources the bank always declines, so tests and demos get deterministic declines. */
const DECLINING_SOURCES: ReadonlyMap<string, string> = new Map([
  ["tok_decline", "card_declined"],
  ["tok_insufficient_funds", "insufficient_funds"],
  ["tok_expired", "expired_card"],
]);

/** Sources the bank refuses as malformed (400): a permanent error, not a decline. */
const INVALID_SOURCES = new Set(["tok_invalid_account"]);

export type ChargeResult =
  | { kind: "new"; charge: Charge }
  | { kind: "invalid_source" }
  | { kind: "replayed"; charge: Charge }
  | { kind: "key_conflict" };

interface Entry {
  charge: Charge;
  fingerprint: string;
  idempotencyKey: string;
  requests: number;
}

/** The bank's books: charges by idempotency key, and every capture in order. */
export class ChargeBook {
  private readonly byKey = new Map<string, Entry>();
  private readonly capturesByReference = new Map<string, number>();
  private readonly statementEntries: StatementEntry[] = [];
  private readonly capturedAmount = new Map<string, number>();
  duplicatesPrevented = 0;
  declines = 0;

  /** The same key with the same request always gets the same charge, and never a second capture. */
  charge(idempotencyKey: string, request: ChargeRequest, now = new Date()): ChargeResult {
    if (INVALID_SOURCES.has(request.source)) return { kind: "invalid_source" };
    const fingerprint = createHash("sha256").update(JSON.stringify(request)).digest("hex");
    const existing = this.byKey.get(idempotencyKey);
    if (existing) {
      if (existing.fingerprint !== fingerprint) return { kind: "key_conflict" };
      existing.requests += 1;
      this.duplicatesPrevented += 1;
      return { kind: "replayed", charge: existing.charge };
    }
    const declineCode = DECLINING_SOURCES.get(request.source) ?? null;
    const charge: Charge = {
      id: `ch_${randomBytes(12).toString("hex")}`,
      status: declineCode ? "declined" : "captured",
      amount: request.amount,
      currency: request.currency,
      reference: request.reference,
      declineCode,
      createdAt: now.toISOString(),
    };
    this.byKey.set(idempotencyKey, { charge, fingerprint, idempotencyKey, requests: 1 });
    if (declineCode) this.declines += 1;
    else this.recordCapture(charge, idempotencyKey);
    return { kind: "new", charge };
  }

  private recordCapture(charge: Charge, idempotencyKey: string): void {
    this.capturesByReference.set(charge.reference, (this.capturesByReference.get(charge.reference) ?? 0) + 1);
    this.capturedAmount.set(charge.currency, (this.capturedAmount.get(charge.currency) ?? 0) + charge.amount);
    this.statementEntries.push({
      chargeId: charge.id,
      reference: charge.reference,
      idempotencyKey,
      amount: charge.amount,
      currency: charge.currency,
      capturedAt: charge.createdAt,
    });
  }

  lookup(idempotencyKey: string): { charge: Charge; requests: number; capturesOfReference: number } | null {
    const entry = this.byKey.get(idempotencyKey);
    if (!entry) return null;
    return {
      charge: entry.charge,
      requests: entry.requests,
      capturesOfReference: this.capturesByReference.get(entry.charge.reference) ?? 0,
    };
  }

  statement(): readonly StatementEntry[] {
    return this.statementEntries;
  }

  totals() {
    let referencesCapturedMoreThanOnce = 0;
    for (const count of this.capturesByReference.values()) if (count > 1) referencesCapturedMoreThanOnce += 1;
    return {
      captures: this.statementEntries.length,
      declines: this.declines,
      capturedAmount: Object.fromEntries(this.capturedAmount),
      duplicatesPrevented: this.duplicatesPrevented,
      referencesCapturedMoreThanOnce,
    };
  }
}
