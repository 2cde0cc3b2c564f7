import type { Pool } from "@payq/shared";

/**
 * Runs `work` while a request with this merchant's Idempotency-Key looks in flight: it holds the advisory
 * lock `accept_payment` takes (migration 0003), so a request with the key meanwhile gets 409.
 */
export async function whileKeyInFlight<T>(pool: Pool, merchantId: string, key: string, work: () => Promise<T>): Promise<T> {
  const holder = await pool.connect();
  try {
    await holder.query("SELECT pg_advisory_lock(hashtextextended($1 || ':' || $2, 0))", [merchantId, key]);
    return await work();
  } finally {
    // The lock belongs to the session: the connection is thrown away with it, never pooled still holding it.
    holder.release(true);
  }
}
