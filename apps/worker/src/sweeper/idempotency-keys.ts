import { SWEEP_BATCH, type SweeperDeps } from "./sweeper-deps.ts";

/** Forgets idempotency keys past their retention window, a batch at a time. */
export async function reapIdempotencyKeys(deps: Pick<SweeperDeps, "pool">): Promise<number> {
  const { rowCount } = await deps.pool.query(
    `DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1))`,
    [SWEEP_BATCH * 10],
  );
  return rowCount ?? 0;
}
