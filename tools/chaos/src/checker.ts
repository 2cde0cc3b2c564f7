import type { Queue } from "bullmq";
import type { BankApi, LoggedRequest } from "@payq/bank-sim";
import { ledgerCaptures, ledgerSums, reconcile, type Pool, type StatementEntry } from "@payq/shared";
import type { Sent } from "./workload.ts";

/** What the checker found: every count here is computed from Postgres, the bank and the client's answers. */
export interface Verdict {
  /** Payments the client was answered 2xx for. */
  accepted: number;
  /** Sends that never got an answer, even after the client's retries (not counted as accepted). */
  unanswered: number;
  succeeded: number;
  declined: number;
  /** Dead letters when the system went quiet, before the replay. */
  deadLettered: number;
  /** Still dead-lettered after every dead letter was replayed. */
  deadLetteredAfterReplay: number;
  /** Answered 2xx, but missing from Postgres or not terminal at the end. */
  lost: number;
  /** References the bank captured more than once. */
  doubleCaptures: number;
  /** Ledger vs bank statement, from the reconciliation. */
  ledgerDifferences: number;
  /** Payments whose ledger entries do not sum to zero, or that have the wrong entries for their status. */
  unbalanced: number;
  /** Dead letters in Postgres without a DLQ entry, or DLQ entries whose payment is not dead-lettered. */
  dlqDisagreements: number;
  /** Two charge requests for one payment open at the bank at the same moment: two workers at once. */
  concurrentCharges: number;
  /** One idempotency key answered with two different payment ids. */
  keyConflicts: number;
  chargeRequests: number;
}

export type Violation = "lost" | "doubleCaptures" | "ledgerDifferences" | "unbalanced" | "dlqDisagreements" | "concurrentCharges" | "keyConflicts";
export const VIOLATIONS: readonly Violation[] = ["lost", "doubleCaptures", "ledgerDifferences", "unbalanced", "dlqDisagreements", "concurrentCharges", "keyConflicts"];

export function violationsOf(verdict: Verdict): Violation[] {
  return VIOLATIONS.filter((name) => verdict[name] > 0);
}

/** Answered ids, one per payment the client was told exists. */
export function acceptedIds(sent: readonly Sent[]): Set<string> {
  return new Set(sent.flatMap((s) => s.answeredIds));
}

/** DLQ entries whose payment is not dead-lettered in Postgres, and dead letters with no DLQ entry. */
export async function deadLetterDisagreements(pool: Pool, deadLetterQueue: Queue): Promise<number> {
  const { rows } = await pool.query<{ id: string }>("SELECT id FROM payments WHERE status = 'dead_lettered'");
  const inPostgres = new Set(rows.map((row) => row.id));
  const jobs = await deadLetterQueue.getJobs(["waiting", "delayed", "prioritized", "active", "completed", "failed"]);
  const inQueue = new Set(jobs.map((job) => (job.data as { paymentId: string }).paymentId));
  let disagreements = 0;
  for (const id of inPostgres) if (!inQueue.has(id)) disagreements += 1;
  for (const id of inQueue) if (!inPostgres.has(id)) disagreements += 1;
  return disagreements;
}

/** The final check, once the system is quiet and the dead letters were replayed. */
export async function check(input: {
  pool: Pool;
  bank: BankApi;
  sent: readonly Sent[];
  deadLettered: number;
  dlqDisagreements: number;
}): Promise<Verdict> {
  const { pool, bank, sent } = input;
  const ids = acceptedIds(sent);
  const { rows } = await pool.query<{ id: string; status: string }>("SELECT id, status FROM payments");
  const status = new Map(rows.map((row) => [row.id, row.status]));
  const count = (wanted: string) => [...ids].filter((id) => status.get(id) === wanted).length;
  const lost = [...ids].filter((id) => !["succeeded", "declined", "dead_lettered"].includes(status.get(id) ?? "missing")).length;
  const statement = await bank.statement();
  const requests = await bank.requests();
  const report = reconcile(await ledgerCaptures(pool), statement, await ledgerSums(pool));
  return {
    accepted: ids.size,
    unanswered: sent.filter((s) => s.status === 0).length,
    succeeded: count("succeeded"),
    declined: count("declined"),
    deadLettered: input.deadLettered,
    deadLetteredAfterReplay: count("dead_lettered"),
    lost,
    doubleCaptures: doubleCaptures(statement),
    ledgerDifferences: report.differences,
    unbalanced: await unbalancedPayments(pool),
    dlqDisagreements: input.dlqDisagreements,
    concurrentCharges: concurrentCharges(requests),
    keyConflicts: sent.filter((s) => new Set(s.answeredIds).size > 1).length,
    chargeRequests: requests.length,
  };
}

function doubleCaptures(statement: readonly StatementEntry[]): number {
  const captures = new Map<string, number>();
  for (const entry of statement) captures.set(entry.reference, (captures.get(entry.reference) ?? 0) + 1);
  return [...captures.values()].filter((n) => n > 1).length;
}

/**
 * Straight from the table, not through payq's own queries: a succeeded payment has exactly its two
 * legs summing to zero; any other payment has none.
 */
async function unbalancedPayments(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*) FROM payments p
       LEFT JOIN (SELECT payment_id, count(*) AS legs, sum(amount) AS total FROM ledger_entries GROUP BY payment_id) e
         ON e.payment_id = p.id
      WHERE (p.status = 'succeeded' AND (e.legs IS DISTINCT FROM 2 OR e.total <> 0))
         OR (p.status <> 'succeeded' AND e.legs IS NOT NULL)`,
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Requests under one key that overlap at the bank: the second arrived before the first was answered
 * or abandoned. One job holds a payment at a time, so this happens only if two workers charge it at once.
 */
export function concurrentCharges(requests: readonly LoggedRequest[]): number {
  const byKey = new Map<string, LoggedRequest[]>();
  for (const request of requests) {
    if (request.idempotencyKey === null) continue;
    const list = byKey.get(request.idempotencyKey);
    if (list) list.push(request);
    else byKey.set(request.idempotencyKey, [request]);
  }
  let overlapping = 0;
  for (const list of byKey.values()) {
    list.sort((a, b) => a.at - b.at);
    let openUntil = -Infinity;
    for (const request of list) {
      if (request.at < openUntil) overlapping += 1;
      openUntil = Math.max(openUntil, request.endedAt ?? Infinity);
    }
  }
  return overlapping;
}
