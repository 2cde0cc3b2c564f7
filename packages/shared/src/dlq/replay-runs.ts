import { completeAudit, recordAudit } from "../audit/audit-log.ts";
import type { Pool } from "../db/pool.ts";
import type { Queryable } from "../db/pool.ts";
import type { PayqQueues } from "../queues/queues.ts";
import type { RetryPolicy } from "../retry/retry-policy.ts";
import type { DeadLetterFilter } from "./dead-letter-filter.ts";
import { countDeadLetters, liveDeadLetterIds, matchingDeadLetterIds } from "./dead-letter-queries.ts";
import { replayDeadLetter } from "./replay.ts";

export type ReplayRunState = "running" | "completed" | "cancelled" | "interrupted";

/** A bulk replay: a fixed set of payments replayed at a steady pace, with its progress. */
export interface ReplayRun {
  id: number;
  actor: string;
  filter: DeadLetterFilter | null;
  total: number;
  ratePerSecond: number;
  state: ReplayRunState;
  done: number;
  replayed: number;
  skipped: number;
  failed: number;
  auditId: number;
  createdAt: Date;
  finishedAt: Date | null;
}

interface RunRow {
  id: string;
  actor: string;
  filter: DeadLetterFilter | null;
  total: number;
  rate_per_second: number;
  state: ReplayRunState;
  done: number;
  replayed: number;
  skipped: number;
  failed: number;
  audit_id: string;
  created_at: Date;
  finished_at: Date | null;
}

const RUN_COLUMNS = `id, actor, filter, cardinality(payment_ids) AS total, rate_per_second, state, done, replayed,
                     skipped, failed, audit_id, created_at, finished_at`;

function runFromRow(row: RunRow): ReplayRun {
  return {
    id: Number(row.id),
    actor: row.actor,
    filter: row.filter,
    total: row.total,
    ratePerSecond: row.rate_per_second,
    state: row.state,
    done: row.done,
    replayed: row.replayed,
    skipped: row.skipped,
    failed: row.failed,
    auditId: Number(row.audit_id),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** Records a run over `paymentIds` (fixed now, so the dry-run count is what it does). */
export async function createReplayRun(
  db: Queryable,
  run: { actor: string; filter: DeadLetterFilter | null; paymentIds: string[]; ratePerSecond: number; auditId: number },
): Promise<ReplayRun> {
  const { rows } = await db.query<RunRow>(
    `INSERT INTO replay_runs (actor, filter, payment_ids, rate_per_second, audit_id)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${RUN_COLUMNS}`,
    [run.actor, run.filter === null ? null : JSON.stringify(run.filter), run.paymentIds, run.ratePerSecond, run.auditId],
  );
  return runFromRow(rows[0]!);
}

export async function findReplayRun(db: Queryable, id: number): Promise<ReplayRun | null> {
  const { rows } = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM replay_runs WHERE id = $1`, [id]);
  return rows[0] ? runFromRow(rows[0]) : null;
}

export async function listReplayRuns(db: Queryable, limit: number): Promise<ReplayRun[]> {
  const { rows } = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM replay_runs ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map(runFromRow);
}

/** Asks a running run to stop; it stops before its next payment. False if it was not running. */
export async function cancelReplayRun(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE replay_runs SET state = 'cancelled', finished_at = now(), updated_at = now() WHERE id = $1 AND state = 'running'",
    [id],
  );
  return rowCount === 1;
}

/**
 * Runs left `running` by a process that is gone (no progress for `staleMs`) are marked interrupted:
 * their payments not yet reached are still dead letters, ready for another run.
 */
export async function interruptStaleReplayRuns(db: Queryable, staleMs: number): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE replay_runs SET state = 'interrupted', finished_at = now()
      WHERE state = 'running' AND updated_at < now() - make_interval(secs => $1)`,
    [staleMs / 1000],
  );
  return rowCount ?? 0;
}

/** Progress is written at most this often; a cancel is noticed as soon. */
const PROGRESS_EVERY_MS = 250;

/**
 * Carries out a run: each payment replayed exactly-once-in-effect (`replayDeadLetter`), paced at the
 * run's rate, progress kept in Postgres, stopping early when cancelled. Completes the run's audit row.
 */
export async function executeReplayRun(
  deps: { pool: Pool; queues: PayqQueues; retryPolicy: Pick<RetryPolicy, "maxAttempts"> },
  id: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<ReplayRun> {
  const { rows } = await deps.pool.query<{ payment_ids: string[]; rate_per_second: number; done: number }>(
    "SELECT payment_ids, rate_per_second, done FROM replay_runs WHERE id = $1 AND state = 'running'",
    [id],
  );
  const run = rows[0];
  if (run) {
    const counts = { replayed: 0, skipped: 0, failed: 0 };
    const started = Date.now();
    let written = Date.now();
    let done = run.done;
    /** Saves progress; false once the run has been cancelled. */
    const save = async (): Promise<boolean> => {
      written = Date.now();
      const update = await deps.pool.query<{ state: ReplayRunState }>(
        `UPDATE replay_runs SET done = $2, replayed = replayed + $3, skipped = skipped + $4, failed = failed + $5,
                updated_at = now() WHERE id = $1 RETURNING state`,
        [id, done, counts.replayed, counts.skipped, counts.failed],
      );
      Object.assign(counts, { replayed: 0, skipped: 0, failed: 0 });
      return update.rows[0]?.state === "running";
    };
    for (let i = run.done; i < run.payment_ids.length; i += 1) {
      const result = await replayDeadLetter(deps, run.payment_ids[i]!).catch(() => null);
      if (!result) counts.failed += 1;
      else if (result.outcome === "replayed") counts.replayed += 1;
      else counts.skipped += 1;
      done = i + 1;
      if (Date.now() - written >= PROGRESS_EVERY_MS && !(await save())) break; // cancelled meanwhile
      const due = started + ((i + 1 - run.done) * 1000) / run.rate_per_second;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    if (await save()) {
      await deps.pool.query(
        "UPDATE replay_runs SET state = 'completed', finished_at = now() WHERE id = $1 AND state = 'running'",
        [id],
      );
    }
  }
  const final = (await findReplayRun(deps.pool, id))!;
  await completeAudit(deps.pool, final.auditId, {
    outcome: final.state,
    count: final.replayed,
    details: { total: final.total, replayed: final.replayed, skipped: final.skipped, failed: final.failed },
  });
  return final;
}

/** What an operator replays: picked payments, or everything a filter matches. */
export type ReplayTarget = { ids: string[] } | { filter: DeadLetterFilter };

/** The most payments one run covers; a larger backlog is replayed in several runs. */
export const MAX_RUN_SIZE = 100_000;

async function targetIds(db: Queryable, target: ReplayTarget): Promise<string[]> {
  return "ids" in target ? liveDeadLetterIds(db, target.ids) : matchingDeadLetterIds(db, target.filter, MAX_RUN_SIZE);
}

/** The dry run: how many live dead letters the target covers right now. */
export async function countReplayTarget(db: Queryable, target: ReplayTarget): Promise<number> {
  return "ids" in target ? (await liveDeadLetterIds(db, target.ids)).length : countDeadLetters(db, target.filter);
}

/**
 * Starts a replay: fixes its payments, writes the action's one audit row, and records the run.
 * The caller then carries it out with `executeReplayRun` (the dashboard in the background, the CLI in
 * the foreground).
 */
export async function startReplayRun(
  db: Queryable,
  request: { actor: string; target: ReplayTarget; ratePerSecond: number },
): Promise<ReplayRun> {
  const paymentIds = await targetIds(db, request.target);
  const filter = "filter" in request.target ? request.target.filter : null;
  const auditId = await recordAudit(db, {
    actor: request.actor,
    action: "dlq.replay",
    target: "ids" in request.target ? request.target.ids.slice(0, 20).join(",") : null,
    filter,
    count: paymentIds.length,
    outcome: "running",
    details: { ratePerSecond: request.ratePerSecond, selected: "ids" in request.target ? request.target.ids.length : null },
  });
  return createReplayRun(db, { actor: request.actor, filter, paymentIds, ratePerSecond: request.ratePerSecond, auditId });
}
